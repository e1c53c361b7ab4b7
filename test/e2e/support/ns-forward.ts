// Runs inside a test network namespace (`ip netns exec <ns> node --import tsx ns-forward.ts <port> <target>`):
// listens on that namespace's 127.0.0.1:<port> and carries every connection to <target>: a UNIX socket (a
// path, so it crosses namespaces) to the test process, which forwards it to the dev stack, or `host:port`,
// a TCP address reached over the namespace's own network (the network lab's stack, through its NAT). The
// browser in the namespace opens the app at a 127.0.0.1 origin, a secure context like everyone else's.
// Exits when its stdin closes.
import net from "node:net";

const [port, target] = process.argv.slice(2);
if (!port || !target) throw new Error("usage: ns-forward.ts <port> <unix socket | host:port>");
const tcp = /^([\d.]+):(\d+)$/.exec(target);

const server = net.createServer((client) => {
  const upstream = tcp ? net.connect(Number(tcp[2]), tcp[1]) : net.connect(target);
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
