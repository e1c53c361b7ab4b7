// `npm run test:net`: the network lab's browser tests (test/net) — NATs, an office firewall, a real coturn
// and thin links, see test/net/support/lab.ts. Everything runs inside a private network namespace (as
// root, with util-linux `unshare`): that namespace is the lab's "internet", and the lab's namespaces hang
// off it, so nothing the lab does can reach the machine's real network. Without root the tests skip.
import { canUnshareNetwork, runVitestProject } from "./vitest-netns.ts";

runVitestProject("net", canUnshareNetwork());
