// Starts a real Postgres for the test run: a throwaway PostgreSQL cluster when the machine has the server
// (VCME_TEST_DB=pglite forces PGlite), otherwise PGlite. Puts the WebSocket bridge in front of it, applies
// the migrations once, and hands the connection details to the Workers tests via `provide`.
import type { TestProject } from "vitest/node";
import { startDbBridge } from "../scripts/db-bridge.ts";
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
    dbControl: string;
    turnStandIn: { base: string; keyId: string; token: string };
  }
}

export default async function setup(project: TestProject) {
  const bin = process.env.VCME_TEST_DB === "pglite" ? null : findPostgresBin();
  const postgres: LocalPostgres = bin ? await startPostgresCluster(bin) : await startPglite();
  const bridge = await startDbBridge({ serialize: postgres.singleSession, control: true });
  await runMigrations(postgres.url, bridge.proxy);
  console.log(`test database: ${postgres.kind} via bridge ${bridge.proxy}`);
  project.provide("databaseUrl", postgres.url);
  project.provide("dbProxy", bridge.proxy);
  project.provide("dbKind", postgres.kind);
  // POST `${dbControl}/down` and `/up` simulate a Postgres outage (see scripts/db-bridge.ts).
  project.provide("dbControl", `http://${bridge.proxy}/control`);
  // Cloudflare's TURN credentials API, stood in locally (see test/turn-stand-in.ts).
  const turn = await startTurnStandIn();
  project.provide("turnStandIn", { base: turn.base, keyId: turn.keyId, token: turn.token });
  return async () => {
    await turn.close();
    await bridge.close();
    await postgres.stop();
  };
}
