import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMMANDS,
  EVENT_NAMES,
  frameQuery,
  parseCommand,
  parseEvent,
  readFrameSettings,
} from "../../client/src/embed/messages";

describe("commands from the host page", () => {
  it.each(COMMANDS)("accepts %s", (command) => {
    expect(parseCommand({ vcme: 1, type: "command", command })).toEqual({
      vcme: 1,
      type: "command",
      command,
    });
  });

  it.each([
    ["nothing", undefined],
    ["a string", "toggle-audio"],
    ["an array", [1, "command", "leave"]],
    ["an unknown command", { vcme: 1, type: "command", command: "end-call" }],
    ["another version", { vcme: 2, type: "command", command: "leave" }],
    ["an event", { vcme: 1, type: "event", command: "leave" }],
    ["a prototype trick", { vcme: 1, type: "command", command: "constructor" }],
  ])("ignores %s", (_what, data) => {
    expect(parseCommand(data)).toBeNull();
  });

  it("never throws and keeps only the command of any object it accepts", () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        const parsed = parseCommand(data);
        if (parsed) expect(Object.keys(parsed).sort()).toEqual(["command", "type", "vcme"]);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("events from the call", () => {
  it.each(EVENT_NAMES)("accepts %s with an object of data", (event) => {
    expect(parseEvent({ vcme: 1, type: "event", event, data: {} })?.event).toBe(event);
  });

  it.each([
    ["data that is not an object", { vcme: 1, type: "event", event: "joined", data: "x" }],
    ["an unknown event", { vcme: 1, type: "event", event: "hacked", data: {} }],
    ["a command", { vcme: 1, type: "command", command: "leave" }],
    ["null", null],
  ])("ignores %s", (_what, data) => {
    expect(parseEvent(data)).toBeNull();
  });

  it("never throws on anything", () => {
    fc.assert(
      fc.property(fc.anything(), (data) => void parseEvent(data)),
      { numRuns: 2_000 },
    );
  });
});

describe("the frame URL's settings", () => {
  it("round-trips every setting the host page gives", () => {
    fc.assert(
      fc.property(
        fc.webUrl().map((url) => new URL(url).origin),
        fc.option(
          fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() === s && s.length > 0),
          {
            nil: undefined,
          },
        ),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.constantFrom("light" as const, "dark" as const), { nil: undefined }),
        fc.option(fc.constant(true), { nil: undefined }),
        (origin, displayName, audio, video, theme, autoJoin) => {
          const settings = { origin, displayName, audio, video, theme, autoJoin };
          const read = readFrameSettings(`?${frameQuery(settings)}`);
          expect(read).toEqual(
            Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ["no origin", "?name=Ann"],
    ["an origin with a path", "?origin=https%3A%2F%2Fshop.example%2Fpage"],
    ["an opaque origin", "?origin=null"],
    ["a javascript: URL", "?origin=javascript%3Aalert(1)"],
    ["garbage", "?origin=%%%"],
  ])("gives no settings (so no bridge) for %s", (_what, search) => {
    expect(readFrameSettings(search)).toBeNull();
  });

  it("drops a theme or join mode it does not know and trims a long name to 80 characters", () => {
    const read = readFrameSettings(
      `?origin=https%3A%2F%2Fa.example&theme=neon&join=1&name=${"x".repeat(200)}`,
    );
    expect(read).toEqual({ origin: "https://a.example", displayName: "x".repeat(80) });
  });
});
