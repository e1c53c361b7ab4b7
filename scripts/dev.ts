// `npm run dev`: the whole product on this machine, no accounts needed.
//   - Postgres: embedded PGlite persisted in .data/pglite, unless DATABASE_URL is given (a local server
//     through the bridge, or Neon directly);
//   - migrations applied; the client built (and rebuilt on change); `wrangler dev` on 127.0.0.1:8787;
//   - every child stops on Ctrl-C, or when one of them dies.
// Options: PORT (default 8787), DATABASE_URL, VCME_DATA_DIR (default .data).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "vite";
import { type DbBridge, isLoopbackHost, startDbBridge } from "./db-bridge.ts";
import { serveEmbedExample } from "./embed-example-server.ts";
import { type LocalPostgres, startPglite } from "./local-db.ts";
import { runMigrations } from "./migrate.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface DevStackOptions {
  port?: number;
  /** The address `wrangler dev` listens on (default 127.0.0.1; the network lab binds a lab address). */
  ip?: string;
  /** A Postgres of your own; without it, embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Where PGlite and the Worker's local Durable Object state live (default `.data`). */
  dataDir?: string;
  /** Rebuild the client on change (default true); false builds it once. */
  watch?: boolean;
  /** Build the client at all (default true); false serves what client/dist already holds. */
  buildClient?: boolean;
  /** Extra Worker variables (e.g. tighter rate limits for tests). */
  vars?: Record<string, string>;
  log?: (line: string) => void;
}

export interface DevStack {
  url: string;
  bridge: DbBridge | null;
  database: LocalPostgres | null;
  /** Resolves when any child process exits on its own. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** Makes .dev.vars with a random JWT_SECRET on the first run, so the app works out of the box. */
function ensureDevVars(): void {
  const file = path.join(root, ".dev.vars");
  if (existsSync(file)) return;
  const example = readFileSync(path.join(root, ".dev.vars.example"), "utf8");
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`), { mode: 0o600 });
}

async function waitForHealth(url: string, exited: Promise<string>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stopped: string | null = null;
  exited.then((why) => {
    stopped = why;
  });
  while (Date.now() < deadline) {
    if (stopped) throw new Error(`dev stack stopped while starting: ${stopped}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Worker did not answer ${url}/api/health within ${timeoutMs / 1000} s`);
}

/** Starts Postgres (or uses yours), the bridge, the client build and `wrangler dev`. */
export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? 8787;
  const dataDir = path.resolve(root, options.dataDir ?? ".data");
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    // 1. Postgres, reachable by the Neon driver through the bridge (or Neon itself).
    let database: LocalPostgres | null = null;
    let databaseUrl = options.databaseUrl;
    let bridge: DbBridge | null = null;
    if (!databaseUrl) {
      database = await startPglite(path.join(dataDir, "pglite"));
      cleanups.push(() => database?.stop());
      databaseUrl = database.url;
      log(`database: embedded PGlite in ${path.relative(root, path.join(dataDir, "pglite"))}`);
    }
    const host = new URL(databaseUrl).hostname;
    if (isLoopbackHost(host)) {
      bridge = await startDbBridge({ serialize: database?.singleSession ?? false, log });
      cleanups.push(() => bridge?.close());
    } else {
      log(`database: ${host} (direct, over TLS)`);
    }
    await runMigrations(databaseUrl, bridge?.proxy);
    log("database: migrations applied");

    // 2. The client, built into client/dist (and rebuilt on change).
    if (options.buildClient !== false) {
      const watch = options.watch !== false;
      const result = await build({
        configFile: path.join(root, "client/vite.config.ts"),
        logLevel: "warn",
        build: watch ? { watch: {} } : {},
      });
      if ("on" in result) {
        await new Promise<void>((resolve, reject) => {
          result.on("event", (event) => {
            if (event.code === "END") resolve();
            if (event.code === "ERROR") {
              log(`client build failed: ${event.error.message}`);
              reject(event.error);
            }
            if ("result" in event && event.result) event.result.close();
          });
        });
        cleanups.push(() => result.close());
        log("client: built, rebuilding on change");
      } else {
        log("client: built");
      }
    }

    // 3. The Worker and its Durable Objects.
    ensureDevVars();
    const vars: Record<string, string> = {
      APP_ENV: "development",
      DATABASE_URL: databaseUrl,
      ...(bridge ? { DB_WS_PROXY: bridge.proxy } : {}),
      ...options.vars,
    };
    const args = [
      "dev",
      "--ip",
      options.ip ?? "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      path.join(dataDir, "wrangler"),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ];
    const wrangler = spawn(path.join(root, "node_modules/.bin/wrangler"), args, {
      cwd: root,
      // No network calls of its own: no metrics, no update check, no download of the `Request.cf` sample.
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        NO_UPDATE_NOTIFIER: "1",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.push(wrangler);
    const exited = new Promise<string>((resolve) => {
      wrangler.once("exit", (code, signal) => resolve(`wrangler exited (${signal ?? code})`));
    });
    const url = `http://${options.ip ?? "127.0.0.1"}:${port}`;
    await waitForHealth(url, exited);
    return { url, bridge, database, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stack = await startDevStack({
    port: Number(process.env.PORT ?? 8787),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.VCME_DATA_DIR,
  }).catch((error: unknown) => {
    console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  // A second origin with docs/embed-example.html, for trying embedding (docs/embedding.md).
  const example = await serveEmbedExample(Number(process.env.EMBED_EXAMPLE_PORT ?? 8788), stack.url).catch(
    (error: unknown) => {
      console.warn(`embed example not started: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    },
  );
  console.log(`\n  VCME is running at ${stack.url}\n  (Ctrl-C stops everything)\n`);
  if (example) console.log(`  Embedding example (another origin): ${example.url}/?link=<call link>\n`);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));
  stack.exited.then((why) => {
    console.error(why);
    return shutdown(1);
  });
}
