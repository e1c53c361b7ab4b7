import { afterEach, beforeEach, type MockInstance, vi } from "vitest";

/**
 * Records every console line of each test (and keeps it off the output) from where it is called: the top
 * of a file or a `describe`. `restore()` lets a test print its summary before it ends.
 */
export function captureConsole(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  let spies: MockInstance[] = [];
  const restore = () => {
    for (const spy of spies) spy.mockRestore();
    spies = [];
  };
  beforeEach(() => {
    lines.length = 0;
    spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "));
      }),
    );
  });
  afterEach(restore);
  return { lines, restore };
}
