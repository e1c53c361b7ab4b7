import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration } from "../../client/src/components/format";

describe("call durations as people read them", () => {
  it.each([
    [0, "0 s"],
    [45, "45 s"],
    [59.6, "1 min"],
    [60, "1 min"],
    [12 * 60 + 30, "12 min"],
    [59 * 60 + 59, "59 min"],
    [3600, "1 h 00 min"],
    [3600 + 2 * 60 + 5, "1 h 02 min"],
    [26 * 3600 + 15 * 60, "26 h 15 min"],
  ])("%d seconds read as %j", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([[null], [undefined], [-1], [Number.NaN]])(
    "an unknown duration (%j) reads as a dash",
    (seconds) => {
      expect(formatDuration(seconds)).toBe("—");
    },
  );

  it("shows a date with its time, and a dash for a broken one", () => {
    expect(formatDateTime("2026-11-25T14:05:00Z", "en-GB")).toMatch(/25 Nov 2026/);
    expect(formatDateTime("not a date")).toBe("—");
  });
});
