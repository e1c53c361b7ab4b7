// `npm run test:e2e`: the browser tests (test/e2e) against the real dev stack in real Chromium.
// Where the machine allows it (root, util-linux `unshare`), everything runs inside a private network
// namespace whose only interface is loopback, so browsers, WebRTC media and servers cannot reach any
// other address. VCME_E2E_NETNS=0 skips that (e.g. on a laptop without root).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = ["node_modules/.bin/vitest", "run", "--config", "test/vitest.config.ts", "--project", "e2e"];
const extra = process.argv.slice(2);

function canIsolate(): boolean {
  if (process.env.VCME_E2E_NETNS === "0" || process.env.VCME_IN_NETNS === "1") return false;
  const probe = spawnSync("unshare", ["-n", "true"], { stdio: "ignore" });
  return probe.status === 0;
}

const command = [...vitest, ...extra].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
const result = canIsolate()
  ? spawnSync("unshare", ["-n", "sh", "-c", `ip link set lo up && exec ${command}`], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, VCME_IN_NETNS: "1" },
    })
  : spawnSync(vitest[0] ?? "", [...vitest.slice(1), ...extra], { cwd: root, stdio: "inherit" });
if (result.error) console.error(result.error.message);
process.exit(result.status ?? 1);
