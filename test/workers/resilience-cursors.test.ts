import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loggableError, withDb } from "../../src/db/client";
import { encodeCursor } from "../../src/domain/pagination";
import { errorOf, send, signUp, type TestUser } from "./support/api-helpers";
import { captureConsole } from "./support/console";

vi.setConfig({ testTimeout: 60_000 });

let person: TestUser;
beforeAll(async () => {
  person = await signUp("Cursor Forger");
}, 60_000);

const { lines } = captureConsole();

/** Well-formed cursors (the right shape, base64url of a [timestamp, uuid] pair) that name no real moment. */
const IMPOSSIBLE = [
  "2026-13-01T00:00:00Z",
  "2026-02-30T12:00:00Z",
  "2025-02-29T12:00:00.5Z",
  "2026-01-01T24:00:00Z",
  "2026-01-01T23:60:00Z",
  "2026-01-01T23:59:60.123456Z",
  "0000-01-01T00:00:00Z",
  "2026-00-10T00:00:00Z",
];

describe("forged cursors", () => {
  it("a well-formed cursor holding an impossible date is a 422 on both lists, and nothing about it is logged", async () => {
    for (const at of IMPOSSIBLE) {
      const cursor = encodeCursor({ at, id: person.user.id });
      for (const path of ["/api/calls", "/api/call-logs"]) {
        const response = await send("GET", `${path}?cursor=${cursor}`, undefined, { token: person.token });
        expect(response.status, `${path} ${at}`).toBe(422);
        const error = await errorOf(response);
        expect(error.code).toBe("validation_failed");
        expect(error.message).toMatch(/^cursor:/);
      }
    }
    const log = lines.join("\n");
    expect(log).not.toContain(person.user.id);
    expect(log).not.toMatch(/Failed query|params/);
  });

  it("a real moment still pages (the leap day of a leap year included)", async () => {
    const cursor = encodeCursor({ at: "2024-02-29T23:59:59.999999Z", id: person.user.id });
    const response = await send("GET", `/api/calls?cursor=${cursor}`, undefined, { token: person.token });
    expect(response.status).toBe(200);
  });
});

describe("database errors in the log", () => {
  it("a query Postgres refuses is logged by SQLSTATE, without its SQL parameters or the values it quotes", async () => {
    const secretValue = `person-${crypto.randomUUID()}@example.test`;
    const error = await withDb(env, (db) =>
      db.execute(sql`select ${secretValue}::uuid as id, ${person.user.id}::text as who`),
    ).then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Error);
    // What drizzle and Postgres themselves say includes the values (which is why it must not be logged)…
    const raw = `${(error as Error).message} ${String((error as Error).cause)}`;
    expect(raw).toContain(secretValue);
    // …while the log line names the failure only.
    const line = loggableError(error);
    expect(line).toMatch(/SQLSTATE 22P02/);
    expect(line).not.toContain(secretValue);
    expect(line).not.toContain(person.user.id);
    expect(line).not.toMatch(/select|params/i);
  });
});
