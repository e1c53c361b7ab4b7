import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../client/src/rtc/backoff";
import { type BatchTimers, createBatcher } from "../../client/src/rtc/batcher";
import { videoLimitFor, withStartBitrate } from "../../client/src/rtc/bitrate";
import {
  decideOnOffer,
  failureText,
  isPolite,
  offersRelay,
  restartAfterResume,
  restartDelay,
} from "../../client/src/rtc/negotiation";
import { levelOf, readSample, sparklinePoints, summarize } from "../../client/src/rtc/stats";

describe("reconnect backoff", () => {
  it("grows exponentially from the base and never exceeds the cap", () => {
    const top = (attempt: number) => backoffDelay(attempt, { random: () => 1 });
    expect([0, 1, 2, 3, 4].map(top)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(top(5)).toBe(10_000);
    expect(top(50)).toBe(10_000);
  });

  it("jitters between half and all of the ceiling, so clients do not reconnect in lockstep", () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(3000);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const delay = backoffDelay(attempt);
      const ceiling = Math.min(10_000, 500 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it("treats nonsense input safely", () => {
    expect(backoffDelay(-3, { random: () => 1 })).toBe(500);
    expect(backoffDelay(2, { random: () => 7 })).toBe(2000);
  });
});

/** Timers a test moves by hand. */
function manualTimers() {
  let next: (() => void) | null = null;
  let sets = 0;
  const timers: BatchTimers = {
    set(run) {
      sets += 1;
      next = run;
      return sets;
    },
    clear() {
      next = null;
    },
  };
  return {
    timers,
    fire: () => {
      const run = next;
      next = null;
      run?.();
    },
    get sets() {
      return sets;
    },
  };
}

describe("candidate batching", () => {
  it("sends a burst of candidates as one frame after the window", () => {
    const clock = manualTimers();
    const sent: number[][] = [];
    const batcher = createBatcher<number>(25, (items) => sent.push(items), clock.timers);
    batcher.push(1);
    batcher.push(2);
    batcher.push(3);
    expect(sent).toEqual([]);
    expect(clock.sets).toBe(1);
    clock.fire();
    expect(sent).toEqual([[1, 2, 3]]);
    batcher.push(4);
    clock.fire();
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it("flushes at once on demand and never sends an empty batch", () => {
    const clock = manualTimers();
    const sent: string[][] = [];
    const batcher = createBatcher<string>(25, (items) => sent.push(items), clock.timers);
    batcher.flush();
    batcher.push("a");
    batcher.flush();
    clock.fire();
    expect(sent).toEqual([["a"]]);
  });

  it("drops what is pending when cancelled (a closed connection)", () => {
    const clock = manualTimers();
    const sent: string[][] = [];
    const batcher = createBatcher<string>(25, (items) => sent.push(items), clock.timers);
    batcher.push("a");
    batcher.cancel();
    clock.fire();
    expect(sent).toEqual([]);
    expect(batcher.pending).toBe(0);
  });
});

describe("perfect negotiation", () => {
  it("makes exactly one side of every pair polite", () => {
    for (const [a, b] of [
      ["p1", "p2"],
      ["zed", "abc"],
      ["0f9a", "0f9b"],
    ] as const) {
      expect(isPolite(a, b)).not.toBe(isPolite(b, a));
    }
  });

  it("accepts an offer when stable and not making one", () => {
    expect(
      decideOnOffer({
        polite: false,
        makingOffer: false,
        signalingState: "stable",
        settingRemoteAnswer: false,
      }),
    ).toBe("accept");
  });

  it("on glare the impolite side ignores the other offer and the polite side accepts it", () => {
    const glare = {
      makingOffer: true,
      signalingState: "have-local-offer",
      settingRemoteAnswer: false,
    } as const;
    expect(decideOnOffer({ ...glare, polite: false })).toBe("ignore");
    expect(decideOnOffer({ ...glare, polite: true })).toBe("accept");
    // Both sides' decisions together: exactly one offer survives.
    const survivors = [
      decideOnOffer({ ...glare, polite: isPolite("a", "b") }),
      decideOnOffer({ ...glare, polite: isPolite("b", "a") }),
    ];
    expect(survivors.sort()).toEqual(["accept", "ignore"]);
  });

  it("an offer while our offer waits for its answer collides; while the answer is being applied it does not", () => {
    const waiting = {
      makingOffer: false,
      signalingState: "have-local-offer",
      settingRemoteAnswer: false,
    } as const;
    expect(decideOnOffer({ ...waiting, polite: false })).toBe("ignore");
    expect(decideOnOffer({ ...waiting, settingRemoteAnswer: true, polite: false })).toBe("accept");
  });
});

describe("ICE restart timing", () => {
  it("the impolite side restarts a failed connection at once, the polite side only later as a fallback", () => {
    expect(restartDelay("failed", false)).toBe(0);
    expect(restartDelay("failed", true)).toBeGreaterThan(0);
  });

  it("a disconnected connection gets a few seconds to recover by itself first", () => {
    const impolite = restartDelay("disconnected", false) ?? 0;
    expect(impolite).toBeGreaterThanOrEqual(3_000);
    expect(restartDelay("disconnected", true)).toBeGreaterThan(impolite);
  });

  it("healthy or closed connections are left alone", () => {
    for (const state of ["new", "connecting", "connected", "closed"] as const) {
      expect(restartDelay(state, false)).toBeNull();
      expect(restartDelay(state, true)).toBeNull();
    }
  });

  it("once a dropped seat is back, the impolite side restarts a connection whose media went down meanwhile", () => {
    // A 10 s network cut: the path came back by itself before the 4 s timer of the side that noticed
    // late ran out, and whatever was signaled meanwhile had been dropped by the room.
    expect(restartAfterResume({ polite: false, interrupted: true, signalingState: "stable" })).toBe(true);
    // One side only, so the restarts never cross.
    expect(restartAfterResume({ polite: true, interrupted: true, signalingState: "stable" })).toBe(false);
    // Media kept flowing while only signaling was down: nothing to repair.
    expect(restartAfterResume({ polite: false, interrupted: false, signalingState: "stable" })).toBe(false);
    // A restart offer of its own is still waiting: it is sent again anyway.
    expect(restartAfterResume({ polite: false, interrupted: true, signalingState: "have-local-offer" })).toBe(
      false,
    );
  });
});

describe("camera limits in a growing mesh", () => {
  it("sends 720p at full rate to one person and less per connection as people join", () => {
    expect(videoLimitFor(1)).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1 });
    let previous = videoLimitFor(1);
    for (let peers = 2; peers <= 11; peers += 1) {
      const limit = videoLimitFor(peers);
      expect(limit.maxBitrate).toBeLessThanOrEqual(previous.maxBitrate);
      expect(limit.scaleResolutionDownBy).toBeGreaterThanOrEqual(previous.scaleResolutionDownBy);
      previous = limit;
    }
  });

  it("keeps the whole upload of a 12-person call under 3 Mbit/s", () => {
    expect(videoLimitFor(11).maxBitrate * 11).toBeLessThanOrEqual(3_000_000);
  });
});

describe("start bitrate in a remote description", () => {
  // The codec lines of Chromium's and Firefox's offers (trimmed); the rest of a description is untouched.
  const chromium = [
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
    "a=rtpmap:96 VP8/90000",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "",
  ].join("\r\n");
  const firefox = "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\na=rtpmap:109 opus/48000/2\r\n";

  it("starts at 1 Mbit/s on the Opus line when the connection may send more", () => {
    const sdp = withStartBitrate(chromium, videoLimitFor(1));
    expect(sdp).toBe(
      chromium.replace(
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=fmtp:111 minptime=10;useinbandfec=1;x-google-start-bitrate=1000",
      ),
    );
    expect(withStartBitrate(chromium, null)).toBe(sdp);
    expect(withStartBitrate(firefox, null)).toBe(
      "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1;x-google-start-bitrate=1000\r\na=rtpmap:109 opus/48000/2\r\n",
    );
  });

  it("starts no higher than the connection's camera cap in a bigger mesh", () => {
    expect(withStartBitrate(chromium, videoLimitFor(3))).toContain(
      "useinbandfec=1;x-google-start-bitrate=900\r\n",
    );
    expect(withStartBitrate(chromium, videoLimitFor(11))).toContain("x-google-start-bitrate=250\r\n");
  });

  it("leaves a description without an Opus line, or without SDP, as it is", () => {
    const video = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n";
    expect(withStartBitrate(video, null)).toBe(video);
    expect(withStartBitrate(undefined, null)).toBeUndefined();
  });
});

describe("connection quality", () => {
  const stats = (bytes: number, received: number, lost: number, rtt: number) => [
    {
      type: "inbound-rtp",
      kind: "video",
      bytesReceived: bytes,
      packetsReceived: received,
      packetsLost: lost,
    },
    { type: "inbound-rtp", kind: "audio", bytesReceived: 0, packetsReceived: 0, packetsLost: 0 },
    { type: "candidate-pair", nominated: true, state: "succeeded", currentRoundTripTime: rtt },
    { type: "candidate-pair", nominated: false, state: "failed", currentRoundTripTime: 9 },
  ];

  it("computes bitrate, loss and round trip between two samples", () => {
    const first = readSample(stats(0, 0, 0, 0.04), 1000);
    const second = readSample(stats(250_000, 990, 10, 0.05), 3000);
    expect(second.rttMs).toBe(50);
    const quality = summarize(first.sample, second.sample, second.rttMs, []);
    expect(quality.bitrateKbps).toBe(1000);
    expect(quality.lossPercent).toBe(1);
    expect(quality.level).toBe("good");
    expect(quality.history).toEqual([1000]);
  });

  it("rates a connection by its worst sign", () => {
    expect(levelOf(null, null)).toBe("unknown");
    expect(levelOf(100, 0)).toBe("good");
    expect(levelOf(300, 0)).toBe("fair");
    expect(levelOf(100, 3)).toBe("fair");
    expect(levelOf(600, 0)).toBe("poor");
    expect(levelOf(20, 12)).toBe("poor");
  });

  it("keeps a bounded bitrate history and draws it into the box", () => {
    let history: number[] = [];
    let previous = readSample([], 0).sample;
    for (let i = 1; i <= 40; i += 1) {
      const current = readSample(stats(i * 1000, i * 10, 0, 0.01), i * 1000).sample;
      history = summarize(previous, current, 10, history).history;
      previous = current;
    }
    expect(history).toHaveLength(30);
    expect(sparklinePoints([0, 5, 10], 100, 20)).toBe("0,20 50,10 100,0");
    expect(sparklinePoints([1], 100, 20)).toBe("");
  });
});

describe("what a failed connection tells the person", () => {
  it("knows a TURN relay by its turn:/turns: URLs, not by STUN ones", () => {
    expect(offersRelay([{ urls: "stun:stun.cloudflare.com:3478" }])).toBe(false);
    expect(offersRelay([{ urls: ["stun:a:3478"] }, { urls: ["turn:a:3478?transport=udp"] }])).toBe(true);
    expect(offersRelay([{ urls: "TURNS:a:5349?transport=tcp" }])).toBe(true);
    expect(offersRelay([])).toBe(false);
  });

  it("a call that never connected without a relay says what failed and that the host can configure TURN", () => {
    const text = failureText(false, false);
    expect(text).toMatch(/can't connect/i);
    expect(text).toMatch(/block a direct connection/);
    expect(text).toMatch(/host can configure a TURN relay/);
    expect(failureText(false, true)).toMatch(/not even through the TURN relay/);
    expect(failureText(true, false)).toBe("Connection lost — trying again…");
    expect(failureText(true, true)).toBe("Connection lost — trying again…");
  });
});
