// Runs one vitest project of test/vitest.config.ts, inside a private network namespace whose only
// interface is loopback (util-linux `unshare -n`) when `isolate` is true, and exits with its status.
// `npm run test:e2e` and `npm run test:net` start here; `npm run test:interop` builds its own namespace
// around the same command line.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Whether this process may make a network namespace (root, util-linux `unshare`). */
export function canUnshareNetwork(): boolean {
  return process.getuid?.() === 0 && spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
}

/** The vitest command line for one project, with this script's own arguments (test files, flags) after it. */
export function vitestArgs(project: string): string[] {
  const vitest = [
    "node_modules/.bin/vitest",
    "run",
    "--config",
    "test/vitest.config.ts",
    "--project",
    project,
  ];
  return [...vitest, ...process.argv.slice(2)];
}

/** One word for `sh -c`. */
export const shellQuote = (part: string): string => `'${part.replaceAll("'", "'\\''")}'`;

export function runVitestProject(project: string, isolate: boolean): never {
  const args = vitestArgs(project);
  const result = isolate
    ? spawnSync(
        "unshare",
        ["-n", "sh", "-c", `ip link set lo up && exec ${args.map(shellQuote).join(" ")}`],
        {
          cwd: root,
          stdio: "inherit",
          env: { ...process.env, VCME_IN_NETNS: "1" },
        },
      )
    : spawnSync(args[0] ?? "", args.slice(1), { cwd: root, stdio: "inherit" });
  if (result.error) console.error(result.error.message);
  process.exit(result.status ?? 1);
}
