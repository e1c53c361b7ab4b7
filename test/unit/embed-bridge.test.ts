import { signal } from "@preact/signals";
import { describe, expect, it } from "vitest";
import { type BridgeHost, type BridgeModel, startBridge } from "../../client/src/embed/bridge";

const SHOP = "https://shop.example";

/** A framed page's window: its parent records what is posted to it; messages are delivered by hand. */
function framedWindow(search: string, allowed: string) {
  const posted: { message: unknown; targetOrigin: string }[] = [];
  const listeners = new Set<(event: MessageEvent) => void>();
  const parent = {
    postMessage: (message: unknown, targetOrigin: string) => posted.push({ message, targetOrigin }),
  };
  const win: BridgeHost = {
    parent,
    self: {},
    search,
    allowedOrigins: allowed.split(" ").filter(Boolean),
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  const deliver = (data: unknown, origin: string, source: unknown = parent) => {
    for (const listener of listeners) listener({ data, origin, source } as unknown as MessageEvent);
  };
  return { win, posted, deliver, listeners };
}

const events = (posted: { message: unknown }[]) =>
  posted.map(({ message }) => (message as { event: string; data: unknown }).event);

describe("the call page's bridge to its host page", () => {
  it("says ready to the host page's origin only, when the call allows that origin", () => {
    const { win, posted } = framedWindow(
      `?origin=${encodeURIComponent(SHOP)}`,
      `https://other.example ${SHOP}`,
    );
    const stop = startBridge("desk-abcdefghjk", signal<BridgeModel | null>(null), win);
    expect(posted).toEqual([
      {
        message: { vcme: 1, type: "event", event: "ready", data: { link: "desk-abcdefghjk" } },
        targetOrigin: SHOP,
      },
    ]);
    stop();
  });

  it.each([
    [
      "the frame URL names an origin the call does not list",
      `?origin=${encodeURIComponent("https://evil.example")}`,
      SHOP,
    ],
    ["the call lists no origins", `?origin=${encodeURIComponent(SHOP)}`, ""],
    ["the frame URL names no origin", "", SHOP],
  ])("stays silent and deaf when %s", (_what, search, allowed) => {
    const { win, posted, listeners } = framedWindow(search, allowed);
    startBridge("desk-abcdefghjk", signal<BridgeModel | null>(null), win);
    expect(posted).toEqual([]);
    expect(listeners.size).toBe(0);
  });

  it("answers a command before joining with not_joined, and ignores other senders and garbage", () => {
    const { win, posted, deliver } = framedWindow(`?origin=${encodeURIComponent(SHOP)}`, SHOP);
    const stop = startBridge("desk-abcdefghjk", signal<BridgeModel | null>(null), win);
    const command = { vcme: 1, type: "command", command: "toggle-audio" };
    deliver(command, "https://evil.example");
    deliver(command, SHOP, { postMessage: () => undefined });
    deliver({ vcme: 1, type: "command", command: "format-disk" }, SHOP);
    deliver("toggle-audio", SHOP);
    expect(events(posted)).toEqual(["ready"]);
    deliver(command, SHOP);
    expect(events(posted)).toEqual(["ready", "error"]);
    expect(posted[1]?.message).toMatchObject({ data: { code: "not_joined" } });
    stop();
    deliver(command, SHOP);
    expect(posted).toHaveLength(2);
  });
});
