// Starts the real dev stack once for the browser tests: a throwaway PostgreSQL when the machine has one
// (else PGlite), the bridge, migrations and `wrangler dev` on a free loopback port, with its own data folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startDevStack } from "../../../scripts/dev.ts";
import {
  findPostgresBin,
  freePort,
  type LocalPostgres,
  startPostgresCluster,
} from "../../../scripts/local-db.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "vcme-e2e-"));
  const bin = process.env.VCME_TEST_DB === "pglite" ? null : findPostgresBin();
  const postgres: LocalPostgres | null = bin ? await startPostgresCluster(bin) : null;
  const stack = await startDevStack({
    port: await freePort(),
    databaseUrl: postgres?.url,
    dataDir,
    buildClient: false,
    // Generous limits: one test run signs up and logs in many times from the same address.
    vars: { RATE_LIMIT_SCALE: "100" },
    log: (line) => console.log(`[e2e stack] ${line}`),
  });
  console.log(`[e2e stack] ${stack.url} (${postgres ? "PostgreSQL" : "PGlite"})`);
  project.provide("baseUrl", stack.url);
  return async () => {
    await stack.stop();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
