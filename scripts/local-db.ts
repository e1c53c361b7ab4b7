// Local Postgres without an account: embedded PGlite (development) or a throwaway PostgreSQL cluster
// (tests), each reachable over TCP on 127.0.0.1 and so through the WebSocket bridge.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface LocalPostgres {
  kind: "pglite" | "postgresql";
  /** A connection string whose host is 127.0.0.1. */
  url: string;
  /** Whether the bridge must hand it one connection at a time. */
  singleSession: boolean;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts PGlite (persisted in `dataDir`, or in memory) behind a Postgres-protocol socket on 127.0.0.1. */
export async function startPglite(dataDir?: string): Promise<LocalPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const port = await freePort();
  // The bridge already hands PGlite one connection at a time; a little headroom here only absorbs the
  // moment between one connection closing and the next one opening.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 4 });
  await server.start();
  return {
    kind: "pglite",
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    singleSession: true,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** The bin folder of an installed PostgreSQL server (Debian's layout first), or null. */
export function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  try {
    const pgCtl = execFileSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).trim();
    return pgCtl ? path.dirname(pgCtl) : null;
  } catch {
    return null;
  }
}

/**
 * Starts a throwaway PostgreSQL cluster in a temp folder on a free port (as user `postgres` when run as
 * root, since the server refuses to run as root). The folder is removed on stop.
 */
export async function startPostgresCluster(bin: string): Promise<LocalPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-pg-"));
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    if (asRoot)
      execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: "pipe" });
    else execFileSync(path.join(bin, cmd), args, { stdio: "pipe" });
  };
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    dataDir,
    "-l",
    path.join(dir, "server.log"),
    "-o",
    `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`,
    "-w",
    "start",
  ]);
  return {
    kind: "postgresql",
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    singleSession: false,
    async stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
