// The parts of `npm run bench`. A part has a name (what `--only=` picks), may say what it needs that this
// machine lacks (the run then stops before measuring anything, naming what to install), and reports rows
// and notes through its context. run.ts lists the parts in report order: a new part is a new file that
// exports a BenchPart, plus one entry in that list.
import type { Bundle, Database, DirectWorker } from "./vcme-stack.ts";

export interface BenchRow {
  what: string;
  system: string;
  result: string;
  target: string;
}

export interface BenchContext {
  row(what: string, system: string, result: string, target?: string): void;
  note(text: string): void;
  /** Runs when the whole bench ends (last registered first), also after a failure. */
  onCleanup(cleanup: () => unknown): void;
  /** A throwaway Postgres with migrations, shared by the parts of one run and started on first use. */
  database(): Promise<Database>;
  /** The Worker bundled as `wrangler deploy` ships it (needs the built client), made on first use. */
  bundle(): Bundle;
  /** The bundle running in workerd against database(), shared and started on first use. */
  worker(): Promise<DirectWorker>;
  /** Stops the shared workerd, for a part that measures on a fresh one; worker() starts another. */
  stopWorker(): Promise<void>;
}

export interface BenchPart {
  name: string;
  /** What this machine lacks for the part and how to get it (one sentence), or null when it can run. */
  missing?(): string | null;
  run(bench: BenchContext): Promise<void>;
}
