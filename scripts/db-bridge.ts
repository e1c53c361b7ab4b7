// A WebSocket→TCP bridge that lets the Neon serverless driver (which speaks Postgres over WebSockets) reach
// a Postgres on this machine: PGlite in development, a throwaway PostgreSQL in tests, or your own server.
// It listens on 127.0.0.1 only and refuses any target that is not a loopback address.
import http from "node:http";
import net from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface DbBridge {
  /** `host:port` for `DB_WS_PROXY`. */
  readonly proxy: string;
  readonly port: number;
  /** Simulates a database outage: new connections are refused and open ones cut until `up()`. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export interface DbBridgeOptions {
  port?: number;
  /**
   * Hand the Postgres to one connection at a time and queue the rest (PGlite has a single session:
   * interleaved connections would corrupt each other's results).
   */
  serialize?: boolean;
  /**
   * With `serialize`: the queue to take turns in. Bridges in front of the same PGlite must share one, or
   * they would interleave its single session between them.
   */
  queue?: TurnQueue;
  /** With `serialize`, the longest one connection may hold the database before it is cut (ms). */
  maxHoldMs?: number;
  log?: (line: string) => void;
  /**
   * Tests only: also answer `POST /control/down` and `POST /control/up` over HTTP, so tests running
   * inside workerd can take "the database" away and bring it back.
   */
  control?: boolean;
}

/** The Postgres Terminate message ('X', length 4): the client's last words on a connection. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/** Connections to one single-session database, one after another. */
export interface TurnQueue {
  last: Promise<void>;
}

/** A new, empty turn queue. */
export function createTurnQueue(): TurnQueue {
  return { last: Promise.resolve() };
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Whether `host` is a loopback address (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses the driver's `?address=host:port` into a loopback target, or null when it is not one. */
export function parseTarget(requestUrl: string): { host: string; port: number } | null {
  const address = new URL(requestUrl, "http://bridge").searchParams.get("address") ?? "";
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (!match?.[1] || !match[2]) return null;
  const host = match[1];
  const port = Number(match[2]);
  if (!isLoopbackHost(host) || port < 1 || port > 65_535) return null;
  return { host: host === "localhost" ? "127.0.0.1" : host.replace(/^\[|\]$/g, ""), port };
}

/** Starts the bridge on 127.0.0.1 (a free port unless one is given). */
export async function startDbBridge(options: DbBridgeOptions = {}): Promise<DbBridge> {
  const { serialize = false, maxHoldMs = 60_000, log = () => {} } = options;
  let isDown = false;
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((request, response) => {
    const action = /^\/control\/(down|up)$/.exec(request.url ?? "")?.[1];
    if (!options.control || request.method !== "POST" || !action) {
      response.writeHead(404).end();
      return;
    }
    if (action === "down") bridge.down();
    else bridge.up();
    response.writeHead(204).end();
  });
  server.on("upgrade", (request, socket, head) => {
    if (isDown) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  // A chain of turns: each connection waits for the one before it to finish when serializing.
  const queue = options.queue ?? createTurnQueue();

  wss.on("connection", (ws: WebSocket, request) => {
    const target = parseTarget(request.url ?? "/");
    if (!target) {
      log(`db-bridge: refused target ${request.url ?? ""}`);
      ws.close(1008, "only loopback Postgres targets are allowed");
      return;
    }
    const pending: Buffer[] = [];
    let tcp: net.Socket | null = null;
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finish = () => {
      tcp?.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      release();
    };
    ws.on("message", (data: Buffer) => {
      if (tcp?.writable) tcp.write(data);
      else pending.push(data);
      // A real server hangs up after Terminate; PGlite's socket server does not, and the driver would
      // wait for the hang-up forever. Closing here keeps both behaving the same.
      if (data.length >= TERMINATE.length && data.subarray(-TERMINATE.length).equals(TERMINATE)) {
        setImmediate(finish);
      }
    });
    ws.on("close", finish);
    ws.on("error", finish);

    const previous = queue.last;
    if (serialize) queue.last = previous.then(() => done);
    const start = () => {
      if (ws.readyState !== ws.OPEN) return release();
      const socket = net.connect(target.port, target.host);
      tcp = socket;
      socket.setNoDelay(true);
      socket.on("connect", () => {
        for (const chunk of pending.splice(0)) socket.write(chunk);
      });
      socket.on("data", (chunk) => ws.send(chunk));
      socket.on("error", finish);
      socket.on("close", finish);
      if (serialize) {
        const timer = setTimeout(() => {
          log("db-bridge: a connection held the database too long; closing it");
          finish();
        }, maxHoldMs);
        done.then(() => clearTimeout(timer));
      }
    };
    if (serialize) previous.then(start);
    else start();
  });

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const bridge: DbBridge = {
    proxy: `127.0.0.1:${port}`,
    port,
    down() {
      isDown = true;
      for (const client of wss.clients) client.terminate();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return bridge;
}
