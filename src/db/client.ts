import { Client } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";

/**
 * Queries are built from the tables in ./schema; the relational `db.query` API is not used, so no schema
 * is handed to drizzle (building its relational config costs ~0.2 ms of CPU on every connection).
 */
export type Db = NeonDatabase;

/** Postgres could not be reached (or is not configured): answered as 503 `database_unavailable`. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

/** Where Postgres is (the Worker's env, or a script's). */
export interface DbConfig {
  DATABASE_URL?: string;
  /** Local only: `host:port` of the WebSocket→TCP bridge in front of a local Postgres. */
  DB_WS_PROXY?: string;
}

export interface OpenDb {
  db: Db;
  /** Ends the connection; call it once the work is done (in a Worker, inside `waitUntil`). */
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens one Postgres connection (Neon's WebSocket driver) for one request or one operation.
 * Connections are never shared across requests: a Worker's I/O belongs to the request that opened it.
 */
export async function openDb(config: DbConfig): Promise<OpenDb> {
  if (!config.DATABASE_URL) throw new DatabaseUnavailableError("DATABASE_URL is not set");
  const client = new Client({
    connectionString: config.DATABASE_URL,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  const proxy = config.DB_WS_PROXY;
  if (proxy) {
    // Local Postgres through scripts/db-bridge.ts: plain ws, no TLS, no pipelining.
    client.neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    client.neonConfig.useSecureWebSocket = false;
    client.neonConfig.pipelineTLS = false;
    client.neonConfig.pipelineConnect = false;
  }
  // An idle connection can fail after the work is done; without a listener that would be an uncaught error.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new DatabaseUnavailableError("could not connect to Postgres", { cause });
  }
  return {
    db: drizzle({ client }),
    close: () => client.end().catch(() => {}),
  };
}

/** Runs `work` on a fresh connection and closes it afterwards (for alarms and scripts). */
export async function withDb<T>(config: DbConfig, work: (db: Db) => Promise<T>): Promise<T> {
  const { db, close } = await openDb(config);
  try {
    return await work(db);
  } finally {
    await close();
  }
}

/** Whether an error came from a lost connection rather than from the query itself. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  // drizzle wraps driver errors ("Failed query: …") and keeps the original as the cause.
  if (error.cause !== undefined && isConnectionError(error.cause)) return true;
  // Errors from the server carry a SQLSTATE `code`; transport failures do not.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code))
    return code.startsWith("08") || code === "57P01";
  return /connect|socket|terminated|closed|ECONN|timeout/i.test(error.message);
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * A failure as it may be written to the log: what went wrong, never with what. drizzle's "Failed query"
 * carries the SQL and its parameters (user ids, emails, whatever a request sent) and Postgres's own
 * messages quote values ("invalid input syntax for type uuid: \"…\""), so a database error is named by
 * its SQLSTATE and the schema object involved only. Other errors keep their name and message.
 */
export function loggableError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (!(current instanceof Error)) {
      parts.push(typeof current);
      break;
    }
    const fields = current as Error & Record<string, unknown>;
    const code = typeof fields.code === "string" && SQLSTATE.test(fields.code) ? fields.code : null;
    if (current.message.startsWith("Failed query:") || "params" in fields) {
      parts.push("database query failed");
    } else if (code) {
      const where = ["table", "column", "constraint"]
        .map((key) => (typeof fields[key] === "string" ? `${key} ${fields[key]}` : null))
        .filter(Boolean)
        .join(", ");
      parts.push(`Postgres error SQLSTATE ${code}${where ? ` (${where})` : ""}`);
    } else {
      parts.push(`${current.name}: ${current.message}`.slice(0, 300));
    }
    current = current.cause;
  }
  return parts.join(" ← ");
}
