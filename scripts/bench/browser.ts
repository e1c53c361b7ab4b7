// The `browser` section of `npm run bench`: runs browser-run.ts in its own process, inside a private
// network namespace whose only interface is loopback where the machine allows it (as `npm run test:e2e`
// does), so Chromium, WebRTC media and the servers stay on loopback and tc netem may delay it.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import type { BenchPart } from "./part.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface BrowserReport {
  row(what: string, system: string, result: string, target?: string): void;
  note(text: string): void;
}

function canIsolate(): boolean {
  if (process.env.VCME_E2E_NETNS === "0" || process.env.VCME_IN_NETNS === "1") return false;
  return spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
}

/** A line browser-run.ts prints after `@@bench `: one table row or one note. */
const messageSchema = z.union([
  z.object({ row: z.tuple([z.string(), z.string(), z.string(), z.string().nullish()]) }),
  z.object({ note: z.string() }),
]);

const quote = (part: string) => `'${part.replaceAll("'", "'\\''")}'`;

/** Runs the browser benchmarks and hands their rows and notes to `report`. */
export async function browserBenchmarks(report: BrowserReport): Promise<void> {
  const command = ["node_modules/.bin/tsx", "scripts/bench/browser-run.ts"];
  const isolate = canIsolate();
  const child = isolate
    ? spawn("unshare", ["-n", "sh", "-c", `ip link set lo up && exec ${command.map(quote).join(" ")}`], {
        cwd: root,
        env: { ...process.env, VCME_IN_NETNS: "1" },
        stdio: ["ignore", "pipe", "inherit"],
      })
    : spawn(command[0] ?? "", command.slice(1), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  if (!isolate)
    report.note(
      "Browser: no private network namespace here (needs `unshare -n`), so it ran on the machine's loopback.",
    );
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    if (!line.startsWith("@@bench ")) {
      console.error(line);
      return;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(line.slice(8));
    } catch {
      // reported below as unreadable
    }
    const parsed = messageSchema.safeParse(json);
    if (!parsed.success) {
      report.note(`Browser: an unreadable result line was left out: ${line.slice(0, 120)}`);
      return;
    }
    const message = parsed.data;
    if ("row" in message) {
      const [what, system, result, target] = message.row;
      report.row(what, system, result, target ?? "");
    } else report.note(message.note);
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the browser benchmarks stopped (exit ${code}); see the output above`);
}

/** The Chromium the browser part drives (as the browser tests do). */
const chromiumPath = () => process.env.CHROME_PATH ?? "/usr/bin/chromium";

/** Null when Chromium is there to run, else what to install. */
export function chromiumMissing(): string | null {
  try {
    accessSync(chromiumPath(), constants.X_OK);
    return null;
  } catch {
    return `no Chromium at ${chromiumPath()}${process.env.CHROME_PATH ? " (CHROME_PATH)" : ""}. Install it (\`apt-get install -y chromium\`) or set CHROME_PATH to a Chromium or Chrome binary.`;
  }
}

/** A call in real Chromium: its own process, Postgres and dev stack, in a private network namespace. */
export const browserPart: BenchPart = {
  name: "browser",
  missing: chromiumMissing,
  run: (bench) => browserBenchmarks(bench),
};
