// Starts the network lab once for `npm run test:net` (see lab.ts): the internet segment, coturn in its own
// namespace, a throwaway PostgreSQL (else PGlite) and two dev stacks bound to the lab's 198.18.0.1 — one
// whose Worker mints TURN credentials for that coturn (60 s lifetime, so every test also runs on
// refreshed credentials), and one with no TURN at all (the lab's STUN only).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { type DevStack, startDevStack } from "../../../scripts/dev.ts";
import {
  findPostgresBin,
  freePort,
  type LocalPostgres,
  startPostgresCluster,
} from "../../../scripts/local-db.ts";
import { canRunLab, INTERNET_ADDRESS, type LabCore, startLab } from "./lab.ts";

export interface LabContext {
  prefix: string;
  turnAddress: string;
  turnUrls: string[];
  /** The stack with TURN (credentials of TURN_TTL_SECONDS=60). */
  turnStackPort: number;
  /** The stack with STUN only. */
  plainStackPort: number;
  ttlSeconds: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    lab: LabContext | null;
  }
}

export const TTL_SECONDS = 60;

export default async function setup(project: TestProject) {
  if (!(await canRunLab())) {
    console.log(
      "[net lab] skipped: needs root, iproute2, nftables and coturn (run through `npm run test:net`)",
    );
    project.provide("lab", null);
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "vcme-net-"));
  let lab: LabCore | null = null;
  let postgres: LocalPostgres | null = null;
  const stacks: DevStack[] = [];
  const teardown = async () => {
    for (const stack of stacks.splice(0)) await stack.stop();
    await postgres?.stop();
    await lab?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    lab = await startLab();
    const bin = process.env.VCME_TEST_DB === "pglite" ? null : findPostgresBin();
    postgres = bin ? await startPostgresCluster(bin) : null;
    const stackOf = async (name: string, vars: Record<string, string>) => {
      const port = await freePort();
      const stack = await startDevStack({
        ip: INTERNET_ADDRESS,
        port,
        databaseUrl: postgres?.url,
        dataDir: path.join(dataDir, name),
        buildClient: false,
        vars: { RATE_LIMIT_SCALE: "100", ...vars },
        log: (line) => console.log(`[net ${name} stack] ${line}`),
      });
      stacks.push(stack);
      console.log(`[net lab] ${name} stack at ${stack.url}`);
      return port;
    };
    const stun = `stun:${lab.turn.address}:${lab.turn.port}`;
    const turnStackPort = await stackOf("turn", {
      TURN_SHARED_SECRET: lab.turn.secret,
      TURN_URLS: lab.turn.urls.join(","),
      TURN_TTL_SECONDS: String(TTL_SECONDS),
    });
    const plainStackPort = await stackOf("plain", { STUN_URLS: stun });
    project.provide("lab", {
      prefix: lab.prefix,
      turnAddress: lab.turn.address,
      turnUrls: lab.turn.urls,
      turnStackPort,
      plainStackPort,
      ttlSeconds: TTL_SECONDS,
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
