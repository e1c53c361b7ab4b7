// Runs inside a test network namespace (`ip netns exec <ns> node --import tsx ns-connect.ts <port> <socket>`):
// the reverse of test/e2e/support/ns-forward.ts. Listens on a UNIX socket (a path, so it crosses
// namespaces) and carries each connection to 127.0.0.1:<port> of this namespace: the test drives a Firefox
// in the namespace over WebDriver BiDi, which Firefox serves on its own loopback only. Exits when its
// stdin closes.
import net from "node:net";

const [port, socketPath] = process.argv.slice(2);
if (!port || !socketPath) throw new Error("usage: ns-connect.ts <port> <unix socket>");

const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), "127.0.0.1");
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
server.listen(socketPath, () => console.log("listening"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
