// A local stand-in for Cloudflare's Realtime TURN "generate ICE servers" API (an external service, so a
// stand-in is honest; our own code under test stays real). It checks the request exactly as the real API
// would need it and answers in the real API's shape, so a wrong path, token or body fails the test.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface TurnStandIn {
  /** What to set as TURN_API_BASE (like "https://rtc.live.cloudflare.com/v1"). */
  base: string;
  keyId: string;
  token: string;
  close(): Promise<void>;
}

const KEY_ID = "stand-in-turn-key";
const TOKEN = "stand-in-turn-api-token";

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => resolve(text));
    request.on("error", reject);
  });
}

/** Starts the stand-in on 127.0.0.1 with a random port. */
export async function startTurnStandIn(): Promise<TurnStandIn> {
  let issued = 0;
  const server = createServer(async (request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const body = await readBody(request);
    if (request.method !== "POST") return answer(405, { error: "method not allowed" });
    if (request.url !== `/v1/turn/keys/${KEY_ID}/credentials/generate-ice-servers`) {
      return answer(404, { error: "no such key" });
    }
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return answer(401, { error: "bad token" });
    if (!request.headers["content-type"]?.startsWith("application/json")) {
      return answer(415, { error: "json only" });
    }
    let ttl: unknown;
    try {
      ttl = (JSON.parse(body) as { ttl?: unknown }).ttl;
    } catch {
      return answer(400, { error: "bad json" });
    }
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl <= 0)
      return answer(400, { error: "bad ttl" });
    issued += 1;
    answer(201, {
      iceServers: [
        { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
        {
          urls: [
            "turn:turn.cloudflare.com:3478?transport=udp",
            "turn:turn.cloudflare.com:53?transport=udp",
            "turn:turn.cloudflare.com:3478?transport=tcp",
            "turns:turn.cloudflare.com:5349?transport=tcp",
            "turns:turn.cloudflare.com:443?transport=tcp",
          ],
          username: `stand-in-user-${issued}-ttl-${ttl}`,
          credential: `stand-in-credential-${issued}`,
        },
      ],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/v1`,
    keyId: KEY_ID,
    token: TOKEN,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
