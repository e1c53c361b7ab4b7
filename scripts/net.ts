// `npm run test:net`: the network lab's browser tests (test/net) — NATs, an office firewall, a real coturn
// and thin links, see test/net/support/lab.ts. Everything runs inside a private network namespace (as
// root, with util-linux `unshare`): that namespace is the lab's "internet", and the lab's namespaces hang
// off it, so nothing the lab does can reach the machine's real network. Without root the tests skip.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = ["node_modules/.bin/vitest", "run", "--config", "test/vitest.config.ts", "--project", "net"];
const extra = process.argv.slice(2);
const command = [...vitest, ...extra].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");

const isolated =
  process.getuid?.() === 0 && spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
const result = isolated
  ? spawnSync("unshare", ["-n", "sh", "-c", `ip link set lo up && exec ${command}`], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, VCME_IN_NETNS: "1" },
    })
  : spawnSync(vitest[0] ?? "", [...vitest.slice(1), ...extra], { cwd: root, stdio: "inherit" });
if (result.error) console.error(result.error.message);
process.exit(result.status ?? 1);
