// The PeerJS signaling server (the `peer` package) in its own process, on 127.0.0.1 only — what people
// commonly run instead of a room of their own. Usage: tsx scripts/bench/relays/peerjs.ts
import http from "node:http";
import express from "express";
import { ExpressPeerServer } from "peer";

const app = express();
const server = http.createServer(app);
app.use(
  "/",
  ExpressPeerServer(server, { path: "/", key: "peerjs", alive_timeout: 600_000, concurrent_limit: 100_000 }),
);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
