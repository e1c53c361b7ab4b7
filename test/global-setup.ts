// Starts a real Postgres for the test run: a throwaway PostgreSQL cluster when the machine has the server
// (VCME_TEST_DB=pglite forces PGlite), otherwise PGlite. Puts two WebSocket bridges in front of it — one for
// ordinary tests, one whose "database" the fault tests take away (`databaseDown()`), so an outage never
// reaches tests running at the same time — applies the migrations once, and hands the connection details to
// the Workers tests via `provide`. Vitest runs this once per Workers project, so each gets its own database.
import type { TestProject } from "vitest/node";
import { createTurnQueue, type DbBridge, startDbBridge } from "../scripts/db-bridge.ts";
import {
  findPostgresBin,
  type LocalPostgres,
  startPglite,
  startPostgresCluster,
} from "../scripts/local-db.ts";
import { runMigrations } from "../scripts/migrate.ts";
import { startTurnStandIn } from "./turn-stand-in.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbProxy: string;
    dbKind: string;
    dbFaultProxy: string;
    dbControl: string;
    turnStandIn: { base: string; keyId: string; token: string };
  }
}

interface TestDatabase {
  postgres: LocalPostgres;
  bridge: DbBridge;
  faultBridge: DbBridge;
  turn: Awaited<ReturnType<typeof startTurnStandIn>>;
}

async function start(): Promise<TestDatabase> {
  const bin = process.env.VCME_TEST_DB === "pglite" ? null : findPostgresBin();
  const postgres: LocalPostgres = bin ? await startPostgresCluster(bin) : await startPglite();
  const queue = createTurnQueue();
  const bridge = await startDbBridge({ serialize: postgres.singleSession, queue });
  const faultBridge = await startDbBridge({ serialize: postgres.singleSession, queue, control: true });
  await runMigrations(postgres.url, bridge.proxy);
  console.log(`test database: ${postgres.kind} via bridge ${bridge.proxy} (faults: ${faultBridge.proxy})`);
  // Cloudflare's TURN credentials API, stood in locally (see test/turn-stand-in.ts).
  const turn = await startTurnStandIn();
  return { postgres, bridge, faultBridge, turn };
}

export default async function setup(project: TestProject) {
  const { postgres, bridge, faultBridge, turn } = await start();
  project.provide("databaseUrl", postgres.url);
  project.provide("dbProxy", bridge.proxy);
  project.provide("dbFaultProxy", faultBridge.proxy);
  project.provide("dbKind", postgres.kind);
  // POST `${dbControl}/down` and `/up` simulate a Postgres outage behind the fault bridge only.
  project.provide("dbControl", `http://${faultBridge.proxy}/control`);
  project.provide("turnStandIn", { base: turn.base, keyId: turn.keyId, token: turn.token });
  return async () => {
    await turn.close();
    await faultBridge.close();
    await bridge.close();
    await postgres.stop();
  };
}
