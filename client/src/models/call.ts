// The call model: one signaling socket, one PeerLink per remote person, the person's own media, and the
// pure reducer of call-state.ts — grouped as signals and actions that views only read and call.
import { computed, signal } from "@preact/signals";
import { videoLimitFor } from "../rtc/bitrate";
import type { SettledDevices } from "../rtc/capture";
import { CLOSE_CODES, type ClientFrame, type Participant, type ServerFrame } from "../rtc/frames";
import { FALLBACK_ICE_SERVERS, IceServerSource, type IceServersAnswer } from "../rtc/ice";
import { LocalMedia } from "../rtc/LocalMedia";
import { type LocalTracks, PeerLink } from "../rtc/PeerLink";
import { FatalConnectError, SignalingSocket, type SocketStatus } from "../rtc/signaling";
import { SpeakingDetector } from "../rtc/speaking";
import {
  type CallState,
  dropReaction,
  finish,
  initialCallState,
  isFinal,
  patchSelf,
  reduceFrame,
  setChatOpen,
  setLink,
} from "./call-state";

export { FatalConnectError };

export interface CallModelDeps {
  /** A fresh WebSocket URL with a new ticket, for the first connection and every reconnect. */
  connectUrl(): Promise<string>;
  iceServers(): Promise<IceServersAnswer>;
  /** What the person chose on the join panel. */
  stream: MediaStream | null;
  audio: boolean;
  video: boolean;
  /** The camera and microphone still starting when the person joined (see LocalMedia). */
  starting?: Promise<SettledDevices>;
  /** A new knock, for a host: views chime and notify (not for knocks replayed on reconnecting). */
  onKnock?(person: Participant): void;
}

/** How long a reaction floats over the sender's tile. */
const REACTION_MS = 4_000;
const STATS_EVERY_MS = 2_000;
const ICE_WAIT_MS = 3_000;
/** A room error (rate limited, not host…) stays on screen this long. */
const ERROR_SHOWN_MS = 6_000;

/** One call, from connecting to the last screen. Call `dispose()` when the screen goes away. */
export function createCallModel(deps: CallModelDeps) {
  const state = signal<CallState>(initialCallState);
  const peers = signal<ReadonlyMap<string, PeerLink>>(new Map());
  const soundBlocked = signal(false);
  const speaking = new SpeakingDetector();
  const media = new LocalMedia(
    deps.stream,
    deps.audio,
    deps.video,
    (slot, track) => {
      for (const link of peers.peek().values()) void link.setTrack(slot, track);
      void spare?.setTrack(slot, track);
    },
    deps.starting,
  );
  // The detector hands out a new signal when our first microphone track comes (joined without one, or
  // before it had started): the view follows whichever is current.
  const selfSpeakingNow = signal(speaking.watch("self", media.stream));
  const watchSelf = () => {
    selfSpeakingNow.value = speaking.watch("self", media.stream);
  };
  const selfSpeaking = computed(() => selfSpeakingNow.value.value);
  // Devices that were still starting are published now; the room hears if one of them failed.
  void media.ready.then(() => {
    if (torn) return;
    watchSelf();
    syncMediaState();
  });
  const ice = new IceServerSource(deps.iceServers, (servers) => {
    for (const link of peers.peek().values()) link.setIceServers(servers);
    spare?.setIceServers(servers);
  });
  // Connections wait for the servers at most briefly; the fallback (STUN) starts them meanwhile.
  let iceSettled = false;
  const iceReady = Promise.race([
    ice.load(),
    new Promise((resolve) => setTimeout(resolve, ICE_WAIT_MS)),
  ]).then(() => {
    iceSettled = true;
  });
  /**
   * Our participant id of the current admission. The same id after a reconnect is a resumed seat (the
   * peer connections carry on); another id means the seat ran out and this is a fresh join.
   */
  let seatId: string | null = null;
  /**
   * While knocking, the connection for the first person of the call is built and its offer made ahead
   * (nobody is told until admitted): admission then sends the offer at once instead of starting it.
   */
  let spare: PeerLink | null = null;
  /** Frames are handled one after another, so a candidate never overtakes the offer it belongs to. */
  let inbox: Promise<void> = Promise.resolve();
  let torn = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const socket = new SignalingSocket({
    url: deps.connectUrl,
    onOpen: () => {
      const current = state.peek();
      socket.sendFirst({
        event_type: "join_room",
        payload: {
          ...(current.resumeToken ? { resume_token: current.resumeToken } : {}),
          audio: media.audio.peek(),
          video: media.video.peek(),
        },
      });
    },
    onFrame: (frame) => {
      inbox = inbox
        .then(() => onFrame(frame))
        .catch((error: unknown) => console.warn("vcme: frame failed", error));
    },
    onStatus: (status: SocketStatus) => {
      if (status !== "reconnecting") return;
      state.value = setLink(state.peek(), "reconnecting");
      for (const peer of peers.peek().values()) peer.signalingLost();
    },
    onEnd: ({ code, reason }) => {
      const current = state.peek();
      if (!isFinal(current.phase)) {
        if (code === CLOSE_CODES.terminated) state.value = finish(current, "ended");
        else if (code === CLOSE_CODES.removed)
          state.value = finish(current, current.phase === "waiting" ? "declined" : "removed");
        else if (code === CLOSE_CODES.room_full) state.value = finish(current, "failed", "The call is full.");
        else if (code === CLOSE_CODES.replaced)
          state.value = finish(current, "failed", "You joined this call in another tab.");
        else if (code !== 1000)
          state.value = finish(current, "failed", reason || "The connection to the call was lost.");
      }
      teardown();
    },
  });

  const tracks = (): LocalTracks => ({
    audio: media.audioTrack,
    camera: media.cameraTrack,
    screen: media.screenTrack,
  });
  // A knock's offer goes out now or not at all; everything else waits for the room to let us in.
  const send = (frame: ClientFrame) =>
    frame.event_type === "knock_offer" ? socket.sendFirst(frame) : socket.send(frame);

  /** `offerSentTo`: who the room gave the offer made while knocking. */
  function link(remoteId: string, initiator: boolean, offerSentTo?: string): PeerLink | null {
    const existing = peers.peek().get(remoteId);
    if (existing) return existing;
    const self = state.peek().self;
    if (!self || torn) return null;
    let created: PeerLink;
    if (initiator && spare) {
      created = spare;
      spare = null;
      created.adopt(self.id, remoteId, offerSentTo === remoteId);
    } else created = newLink(self.id, remoteId, initiator);
    const next = new Map(peers.peek());
    next.set(remoteId, created);
    peers.value = next;
    limitVideo();
    return created;
  }

  function newLink(selfId: string, remoteId: string | null, initiator: boolean): PeerLink {
    return new PeerLink({
      selfId,
      remoteId,
      initiator,
      iceServers: ice.servers.length > 0 ? ice.servers : FALLBACK_ICE_SERVERS,
      tracks,
      stream: media.stream,
      send,
    });
  }

  function unlink(remoteId: string): void {
    const existing = peers.peek().get(remoteId);
    if (!existing) return;
    existing.close();
    speaking.unwatch(remoteId);
    const next = new Map(peers.peek());
    next.delete(remoteId);
    peers.value = next;
    limitVideo();
  }

  /** A spare nobody adopted (admitted to an empty call, or leaving) is closed. */
  function dropSpare(): void {
    spare?.close();
    spare = null;
  }

  /** Every connection's camera cap follows the size of the mesh. */
  function limitVideo(): void {
    const limit = videoLimitFor(peers.peek().size);
    for (const peer of peers.peek().values()) void peer.limitVideo(limit);
  }

  /** Tells the room (and our own tile) our microphone and camera where they differ from what it knows. */
  function syncMediaState(): void {
    const self = state.peek().self;
    const audio = media.audio.peek();
    const video = media.video.peek();
    if (!self || (self.audio === audio && self.video === video)) return;
    state.value = patchSelf(state.peek(), { audio, video });
    send({ event_type: "media_state", payload: { audio, video } });
  }

  function later(run: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  async function onFrame(frame: ServerFrame): Promise<void> {
    const before = state.peek();
    state.value = reduceFrame(before, frame);
    switch (frame.event_type) {
      case "host_joined_room":
      case "accepted_into_room": {
        socket.markJoined();
        const fresh = seatId !== frame.payload.self.id;
        seatId = frame.payload.self.id;
        const listed = new Set(frame.payload.participants.map((p) => p.id));
        for (const id of peers.peek().keys()) if (fresh || !listed.has(id)) unlink(id);
        if (fresh) {
          // The newcomer offers to everyone already there (PROTOCOL.md §2); a host joining first has nobody.
          // Not awaited once settled: the offers should start before the call screen renders.
          if (!iceSettled) await iceReady;
          const sentTo = frame.event_type === "accepted_into_room" ? frame.payload.offer_sent_to : undefined;
          for (const id of listed) link(id, true, sentTo);
          dropSpare();
          // A device that failed while we knocked: the room still has what join_room said.
          syncMediaState();
        } else {
          // Back after a dropped socket: make the room's view of our media match what we show.
          send({
            event_type: "media_state",
            payload: {
              audio: media.audio.peek(),
              video: media.video.peek(),
              screen: media.screenTrack !== null,
            },
          });
          // What the others sent meanwhile was dropped by the room: renegotiate where media suffered.
          for (const peer of peers.peek().values()) peer.signalingBack();
        }
        return;
      }
      case "waiting_room": {
        // Knocking again (the kept seat ran out while offline): the old connections are gone.
        seatId = null;
        for (const id of [...peers.peek().keys()]) unlink(id);
        const selfId = frame.payload.self.id;
        void iceReady.then(() => {
          if (!spare && !torn && state.peek().phase === "waiting") spare = newLink(selfId, null, true);
        });
        return;
      }
      case "new_participant":
        // They will offer: the connection that answers is built now, not when the offer arrives (a
        // page's first connection also starts the browser's WebRTC threads, ~5 ms in the offer's way).
        if (iceSettled) link(frame.payload.participant.id, false);
        return;
      case "new_participant_request":
        // Knocks are replayed to a host who reconnects; only a new one rings.
        if (!before.waiting.some((p) => p.id === frame.payload.participant.id))
          deps.onKnock?.(frame.payload.participant);
        return;
      case "error":
        later(() => {
          if (state.peek().error !== null) state.value = { ...state.peek(), error: null };
        }, ERROR_SHOWN_MS);
        return;
      case "participant_updated": {
        // Their socket dropped (the room keeps the seat) or came back: the same as ours doing so.
        const { id, connected } = frame.payload.participant;
        const peer = peers.peek().get(id);
        const wasAway = before.participants.find((p) => p.id === id)?.connected === false;
        if (!connected) peer?.signalingLost();
        else if (wasAway) peer?.signalingBack();
        return;
      }
      case "participant_left":
        unlink(frame.payload.participant_id);
        return;
      case "offer":
      case "answer": {
        if (frame.event_type === "offer" && !iceSettled) await iceReady;
        const target =
          frame.event_type === "offer"
            ? link(frame.payload.sender_id, false)
            : peers.peek().get(frame.payload.sender_id);
        await target?.handleDescription(frame.payload.data);
        return;
      }
      case "ice_candidate":
        await peers.peek().get(frame.payload.sender_id)?.handleCandidates(frame.payload.data);
        return;
      case "emoji_received": {
        const key = state.peek().reactions.at(-1)?.key;
        if (key !== undefined) later(() => (state.value = dropReaction(state.peek(), key)), REACTION_MS);
        return;
      }
      case "left_room":
      case "call_terminated":
      case "declined_from_room":
      case "removed_from_room":
        teardown();
        return;
      default:
        return;
    }
  }

  function teardown(): void {
    if (torn) return;
    torn = true;
    for (const id of [...peers.peek().keys()]) unlink(id);
    dropSpare();
    media.stop();
    ice.stop();
    speaking.close();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    clearInterval(statsTimer);
    globalThis.removeEventListener?.("pagehide", onPageHide);
    socket.close();
  }

  const statsTimer = setInterval(() => {
    for (const peer of peers.peek().values()) void peer.sample();
  }, STATS_EVERY_MS);

  // Closing the tab: tell the room at once, so the others do not wait 30 s for a resume.
  const onPageHide = () => {
    socket.sendFirst({ event_type: "leave_room", payload: {} });
  };
  globalThis.addEventListener?.("pagehide", onPageHide);
  socket.start();

  const isHost = computed(() => state.value.self?.role === "host");
  const everyone = computed(() => {
    const s = state.value;
    return s.self ? [s.self, ...s.participants] : s.participants;
  });

  return {
    state,
    peers,
    media,
    isHost,
    everyone,
    soundBlocked,
    selfSpeaking,
    /** The speaking signal of a remote person (their stream is watched once its audio arrives). */
    speakingOf(id: string, stream: MediaStream) {
      return speaking.watch(id, stream);
    },
    async toggleMicrophone() {
      speaking.resume();
      await media.setAudio(!media.audio.peek());
      state.value = patchSelf(state.peek(), { audio: media.audio.peek() });
      send({ event_type: "media_state", payload: { audio: media.audio.peek() } });
      watchSelf();
    },
    async toggleCamera() {
      await media.setVideo(!media.video.peek());
      state.value = patchSelf(state.peek(), { video: media.video.peek() });
      send({ event_type: "media_state", payload: { video: media.video.peek() } });
    },
    async toggleScreen() {
      if (media.screenTrack) media.stopScreen();
      else await media.startScreen();
      const screen = media.screenTrack !== null;
      state.value = patchSelf(state.peek(), { screen });
      send({ event_type: "media_state", payload: { screen } });
    },
    async useDevice(kind: "audio" | "video", deviceId: string) {
      await media.useDevice(kind, deviceId);
      if (kind === "audio") watchSelf();
    },
    flipCamera: () => media.flipCamera(),
    toggleHand() {
      const raised = !(state.peek().self?.hand_raised ?? false);
      state.value = patchSelf(state.peek(), { hand_raised: raised });
      send({ event_type: "raise_hand", payload: { raised } });
    },
    /** Sends a chat message; false when it is empty or too long (nothing is lost: the field keeps it). */
    sendChat(text: string): boolean {
      return send({ event_type: "send_chat_message", payload: { text } });
    },
    sendEmoji: (emoji: string) => send({ event_type: "send_emoji", payload: { emoji } }),
    setChatOpen(open: boolean) {
      state.value = setChatOpen(state.peek(), open);
    },
    admit: (id: string) => send({ event_type: "accept_participant", payload: { participant_id: id } }),
    decline: (id: string) => send({ event_type: "decline_participant", payload: { participant_id: id } }),
    remove: (id: string) => send({ event_type: "remove_participant", payload: { participant_id: id } }),
    /** Leaves (or stops knocking): shown at once, the room is told if it can be. */
    leave() {
      socket.sendFirst({ event_type: "leave_room", payload: {} });
      state.value = finish(state.peek(), "left");
      teardown();
    },
    endForEveryone() {
      send({ event_type: "end_call", payload: {} });
    },
    dispose() {
      if (!isFinal(state.peek().phase)) socket.sendFirst({ event_type: "leave_room", payload: {} });
      teardown();
    },
  };
}

export type CallModel = ReturnType<typeof createCallModel>;
