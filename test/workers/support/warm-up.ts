// Every workers test file starts with this (vitest `setupFiles`): the first database connection of a
// file can take seconds on a busy machine, which belongs to no single test.
import { beforeAll } from "vitest";
import { warmUp } from "./api-helpers";

beforeAll(warmUp, 30_000);
