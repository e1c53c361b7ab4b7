import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FALLBACK_ICE_SERVERS, IceServerSource, type IceServersAnswer } from "../../client/src/rtc/ice";

const turn = (n: number) => [
  { urls: "turn:turn.example:3478", username: `user-${n}`, credential: `secret-${n}` },
];

describe("ICE servers from the Worker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-25T03:00:00.000Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refreshes the TURN credentials a minute before they expire and hands the new ones over", async () => {
    let served = 0;
    const refreshed: unknown[] = [];
    const source = new IceServerSource(
      async (): Promise<IceServersAnswer> => {
        served += 1;
        return { ice_servers: turn(served), expires_at: new Date(Date.now() + 10 * 60_000).toISOString() };
      },
      (servers) => refreshed.push(servers),
    );
    expect(await source.load()).toEqual(turn(1));
    await vi.advanceTimersByTimeAsync(8 * 60_000);
    expect(served).toBe(1);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(served).toBe(2);
    expect(refreshed).toEqual([turn(2)]);
    expect(source.servers).toEqual(turn(2));
    source.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(served).toBe(2);
  });

  it("keeps STUN when the Worker cannot be reached, and tries again later", async () => {
    let attempts = 0;
    const source = new IceServerSource(
      async (): Promise<IceServersAnswer> => {
        attempts += 1;
        if (attempts === 1) throw new Error("offline");
        return { ice_servers: turn(attempts), expires_at: new Date(Date.now() + 3_600_000).toISOString() };
      },
      () => undefined,
    );
    expect(await source.load()).toEqual(FALLBACK_ICE_SERVERS);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(attempts).toBe(2);
    expect(source.servers).toEqual(turn(2));
    source.stop();
  });
});
