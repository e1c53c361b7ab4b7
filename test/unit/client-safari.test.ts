// The client's rules for Safari (iOS and macOS) that need no engine to check: remote media played again
// when the page returns from the background, screen sharing offered only where getDisplayMedia exists,
// and every video codec (H.264 above all) left in the descriptions as the browser made them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { withStartBitrate } from "../../client/src/rtc/bitrate";
import {
  canShareScreen,
  type PageVisibility,
  type Playable,
  replayOnReturn,
} from "../../client/src/rtc/engine-rules";

class FakePage extends EventTarget implements PageVisibility {
  visibilityState = "visible";
  show(state: "visible" | "hidden", event: "visibilitychange" | "pageshow" = "visibilitychange") {
    this.visibilityState = state;
    this.dispatchEvent(new Event(event));
  }
}

function media(paused: boolean): Playable & { plays: number } {
  return { paused, srcObject: {}, plays: 0 };
}

const play = (element: { plays: number }) => {
  element.plays += 1;
};

describe("remote media after the page comes back from the background", () => {
  it("plays a paused stream again when the page is visible again or shown from the back-forward cache", () => {
    const page = new FakePage();
    const video = media(true);
    const stop = replayOnReturn(page, () => video, play);
    page.show("hidden");
    expect(video.plays).toBe(0);
    page.show("visible");
    expect(video.plays).toBe(1);
    page.show("visible", "pageshow");
    expect(video.plays).toBe(2);
    stop();
    page.show("visible");
    expect(video.plays).toBe(2);
  });

  it("leaves a playing element, an element without a stream and a missing element alone", () => {
    const page = new FakePage();
    const playing = media(false);
    const empty = { ...media(true), srcObject: null };
    replayOnReturn(page, () => playing, play);
    replayOnReturn(page, () => empty, play);
    replayOnReturn<ReturnType<typeof media>>(page, () => null, play);
    page.show("visible");
    expect([playing.plays, empty.plays]).toEqual([0, 0]);
  });
});

describe("screen sharing where the browser has it", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is offered only where navigator.mediaDevices.getDisplayMedia exists (iOS Safari has none)", () => {
    expect(canShareScreen({ mediaDevices: { getUserMedia: () => undefined } } as never)).toBe(false);
    expect(canShareScreen({})).toBe(false);
    expect(canShareScreen(undefined)).toBe(false);
    expect(canShareScreen({ mediaDevices: { getDisplayMedia: () => undefined } })).toBe(true);
    vi.stubGlobal("navigator", { mediaDevices: { getDisplayMedia: () => undefined } });
    expect(canShareScreen()).toBe(true);
  });
});

describe("codecs in the descriptions", () => {
  // An offer as Safari makes it: H.264 first (its hardware codec), VP8 after it, Opus for the sound.
  const safariOffer = [
    "v=0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=rtpmap:98 VP8/90000",
    "",
  ].join("\r\n");

  it("keeps every video codec line as the browser wrote it: only the Opus line gets the start bitrate", () => {
    const munged = withStartBitrate(safariOffer, { maxBitrate: 1_500_000, scaleResolutionDownBy: 1 }) ?? "";
    const changed = munged.split("\r\n").filter((line, i) => line !== safariOffer.split("\r\n")[i]);
    expect(changed).toEqual(["a=fmtp:111 minptime=10;useinbandfec=1;x-google-start-bitrate=1000"]);
    expect(munged).toContain("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98");
    expect(munged).toContain("profile-level-id=42e01f");
  });
});
