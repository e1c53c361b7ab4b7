// docs/benchmarks.md and the rows behind it. Each part's rows and notes are stored with when and where
// they were measured (docs/benchmarks.json); a run replaces the parts it measured and keeps the others, so
// `--only=size` never drops the browser figures: the report says, per part, which run its rows come from.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as z from "zod";
import type { BenchRow } from "./part.ts";

const rowSchema = z.object({ what: z.string(), system: z.string(), result: z.string(), target: z.string() });
const partResultSchema = z.object({
  /** ISO time the run that measured this part started. */
  measuredAt: z.string(),
  command: z.string(),
  machine: z.string(),
  versions: z.string(),
  rows: z.array(rowSchema),
  notes: z.array(z.string()),
});
const storeSchema = z.object({ parts: z.record(z.string(), partResultSchema) });

export type PartResult = z.infer<typeof partResultSchema>;
export type Store = z.infer<typeof storeSchema>;

/** The stored rows of earlier runs; an absent file is an empty store, a damaged one an error. */
export function readStore(file: string): Store {
  if (!existsSync(file)) return { parts: {} };
  const parsed = storeSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a benchmark store: ${parsed.error.message}`);
  return parsed.data;
}

export interface RunSummary {
  startedAt: string;
  command: string;
  seconds: number;
  machine: string;
  versions: string;
  /** Parts measured in this run, and parts that failed in it (their earlier rows are kept). */
  measured: string[];
  failed: string[];
}

const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

function table(rows: BenchRow[]): string {
  return [
    "| what | system | result | target |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.what} | ${r.system} | ${r.result} | ${r.target} |`),
  ].join("\n");
}

/** The markdown report: the run's header, one section per part in `order`, then `tail` unchanged. */
export function renderReport(store: Store, order: string[], run: RunSummary, tail: string): string {
  const kept = order.filter((name) => store.parts[name] && !run.measured.includes(name));
  const lines = [
    "# Benchmarks",
    "",
    `Last run: ${minute(run.startedAt)}, \`${run.command}\` (${run.seconds} s), measured: ${run.measured.join(", ") || "nothing"}.`,
  ];
  if (run.failed.length)
    lines.push(`Failed in that run (rows below from an earlier run): ${run.failed.join(", ")}.`);
  if (kept.length)
    lines.push(
      `Kept from earlier runs: ${kept.join(", ")} — each part's heading says when its rows were measured.`,
    );
  lines.push(`Machine: ${run.machine}`, `Versions: ${run.versions}`);
  for (const name of order) {
    const part = store.parts[name];
    if (!part) continue;
    const earlier = part.measuredAt !== run.startedAt;
    lines.push(
      "",
      `## ${name} — ${minute(part.measuredAt)}${earlier ? ` (an earlier run: \`${part.command}\`)` : ""}`,
    );
    if (earlier && (part.machine !== run.machine || part.versions !== run.versions))
      lines.push("", `Machine: ${part.machine}`, `Versions: ${part.versions}`);
    lines.push("", table(part.rows));
    if (part.notes.length) lines.push("", ...part.notes.map((note) => `- ${note}`));
  }
  return `${lines.join("\n")}\n${tail ? `\n${tail.replace(/^\n+/, "")}` : ""}`;
}

/** The hand-written part of an existing report (from "## How it is measured" on), kept as it is. */
export function handWrittenTail(markdownFile: string): string {
  if (!existsSync(markdownFile)) return "";
  const text = readFileSync(markdownFile, "utf8");
  const at = text.indexOf("\n## How it is measured");
  return at >= 0 ? text.slice(at + 1) : "";
}

export function writeStore(file: string, store: Store): void {
  writeFileSync(file, `${JSON.stringify(store, null, 2)}\n`);
}
