// `npm run test:interop`: calls between Chromium and Firefox (test/interop) against the real dev stack.
// Where the machine allows it (root, util-linux `unshare`), everything runs in a private network and mount
// namespace: loopback, plus one veth end with a lab address (198.19.0.1/24) and the default route, because
// Firefox gathers no ICE candidates on a host that only has loopback. The veth's other end goes nowhere,
// so anything sent off the machine's own addresses is counted there and dropped; /etc/resolv.conf is
// replaced by one naming only 127.0.0.1, where nothing answers. VCME_E2E_NETNS=0 skips the isolation.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { shellQuote, vitestArgs } from "./vitest-netns.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const vitest = vitestArgs("interop");

function canIsolate(): boolean {
  if (process.env.VCME_E2E_NETNS === "0" || process.env.VCME_IN_NETNS === "1") return false;
  return spawnSync("unshare", ["-n", "-m", "true"], { stdio: "ignore" }).status === 0;
}

let status: number;
if (canIsolate()) {
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-ff-"));
  const resolv = path.join(dir, "resolv.conf");
  writeFileSync(resolv, "# test:interop: no resolver outside the lab\nnameserver 127.0.0.1\n");
  const rules = path.join(dir, "lab.nft");
  writeFileSync(
    rules,
    `table inet vcme_ff_lab {
  set off { type ipv4_addr . inet_proto; flags dynamic; }
  chain out {
    type filter hook output priority 0;
    oifname "vcme-ff0" meta nfproto ipv4 add @off { ip daddr . meta l4proto }
  }
}
`,
  );
  const script = [
    "set -e",
    "ip link set lo up",
    "ip link add vcme-ff0 type veth peer name vcme-ff1",
    "echo 1 > /proc/sys/net/ipv6/conf/vcme-ff0/disable_ipv6",
    "echo 1 > /proc/sys/net/ipv6/conf/vcme-ff1/disable_ipv6",
    "ip addr add 198.19.0.1/24 dev vcme-ff0",
    "ip link set vcme-ff1 up",
    "ip link set vcme-ff0 up",
    "ip route add default dev vcme-ff0",
    `mount --bind ${shellQuote(resolv)} /etc/resolv.conf`,
    // Remembers where anything sent off the lab was going (address, protocol), to name it at the end.
    `if command -v nft >/dev/null; then nft -f ${shellQuote(rules)}; fi`,
    "set +e",
    vitest.map(shellQuote).join(" "),
    "code=$?",
    // Packets that left for anywhere but this machine's own addresses (e.g. a name server, an update host).
    `echo "[interop] packets sent off the lab: $(awk '$1 == "vcme-ff0:" { print $11 }' /proc/net/dev)"`,
    "if command -v nft >/dev/null; then nft list set inet vcme_ff_lab off | sed -n 's/^\\s*elements = /[interop] sent to: /p'; fi",
    "exit $code",
  ].join("\n");
  const result = spawnSync("unshare", ["-n", "-m", "sh", "-c", script], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, VCME_IN_NETNS: "1" },
  });
  rmSync(dir, { recursive: true, force: true });
  if (result.error) console.error(result.error.message);
  status = result.status ?? 1;
} else {
  const result = spawnSync(vitest[0] ?? "", vitest.slice(1), { cwd: root, stdio: "inherit" });
  if (result.error) console.error(result.error.message);
  status = result.status ?? 1;
}
process.exit(status);
