// The floor for the relay benchmarks: a bare Node `ws` relay in its own process. It does the least a
// signaling relay can do — parse the JSON frame, look up the target socket, forward with the sender's id —
// with no validation, no rules and no persistence. Usage: tsx scripts/bench/relays/floor.ts
import { type WebSocket, WebSocketServer } from "ws";

const sockets = new Map<string, WebSocket>();
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
wss.on("connection", (ws, request) => {
  const id = new URL(request.url ?? "/", "http://floor").searchParams.get("id") ?? "";
  sockets.set(id, ws);
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { to: string; type: string; data: unknown };
    sockets.get(frame.to)?.send(JSON.stringify({ from: id, type: frame.type, data: frame.data }));
  });
  ws.on("close", () => sockets.delete(id));
});
wss.on("listening", () => {
  const address = wss.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
