// Runs inside a test network namespace (`ip netns exec <ns> node --import tsx ns-forward.ts <port> <socket>`):
// listens on that namespace's 127.0.0.1:<port> and carries every connection over the UNIX socket (a path,
// so it crosses namespaces) to the test process, which forwards it to the dev stack — the browser in the
// namespace opens the app at the very same origin as everyone else. Exits when its stdin closes.
import net from "node:net";

const [port, socketPath] = process.argv.slice(2);
if (!port || !socketPath) throw new Error("usage: ns-forward.ts <port> <unix socket>");

const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const side of [client, upstream]) {
    side.on("error", end);
    side.on("close", end);
  }
  client.pipe(upstream);
  upstream.pipe(client);
});
server.listen(Number(port), "127.0.0.1", () => console.log("listening"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
