// The call model the views read: the call's state, the person's own media and the peer mesh as signals,
// and the actions the controls call. The room's frames come in through the session (call-session.ts),
// are reduced by call-state.ts into a new state plus commands, and the commands are carried out here.
import { batch, computed, signal } from "@preact/signals";
import type { SettledDevices } from "../rtc/capture";
import type { Participant, ServerFrame } from "../rtc/frames";
import type { IceServersAnswer } from "../rtc/ice";
import { LocalMedia } from "../rtc/LocalMedia";
import { FatalConnectError } from "../rtc/signaling";
import { SpeakingDetector } from "../rtc/speaking";
import { createCallSession } from "./call-session";
import {
  type CallCommand,
  type CallState,
  dropReaction,
  finish,
  initialCallState,
  isFinal,
  patchSelf,
  reduceFrame,
  setChatOpen,
} from "./call-state";
import { createPeerMesh } from "./peer-mesh";
import { createScope } from "./scope";

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
/** A room error (rate limited, not host…) stays on screen this long. */
const ERROR_SHOWN_MS = 6_000;

/** One call, from connecting to the last screen. Call `dispose()` when the screen goes away. */
export function createCallModel(deps: CallModelDeps) {
  const scope = createScope();
  const state = signal<CallState>(initialCallState);
  const soundBlocked = signal(false);
  const media = new LocalMedia(
    deps.stream,
    deps.audio,
    deps.video,
    (slot, track) => mesh.setTrack(slot, track),
    deps.starting,
  );
  scope.onDispose(() => media.stop());
  const speaking = new SpeakingDetector();
  scope.onDispose(() => speaking.close());
  // The detector hands out a new signal when our first microphone track comes (joined without one, or
  // before it had started): the view follows whichever is current.
  const selfSpeakingNow = signal(speaking.watch("self", media.stream));
  const watchSelf = () => {
    selfSpeakingNow.value = speaking.watch("self", media.stream);
  };
  const selfSpeaking = computed(() => selfSpeakingNow.value.value);

  const session = createCallSession({
    scope,
    state,
    connectUrl: deps.connectUrl,
    media: () => ({ audio: media.audio.peek(), video: media.video.peek() }),
    onFrame,
    onReconnecting: () => mesh.signalingLost(),
    onEnd: () => scope.dispose(),
  });
  const send = session.send;
  // Disposed before the session: the connections close before the socket does.
  const mesh = createPeerMesh({
    scope,
    iceServers: deps.iceServers,
    tracks: () => ({ audio: media.audioTrack, camera: media.cameraTrack, screen: media.screenTrack }),
    stream: media.stream,
    send: (frame) => session.send(frame),
    onRemoved: (remoteId) => speaking.unwatch(remoteId),
  });
  /**
   * Our participant id of the current admission. The same id after a reconnect is a resumed seat (the
   * peer connections carry on); another id means the seat ran out and this is a fresh join.
   */
  let seatId: string | null = null;

  // Devices that were still starting are published now; the room hears if one of them failed.
  void media.ready.then(() => {
    if (scope.disposed) return;
    watchSelf();
    syncMediaState();
  });

  /** Tells the room (and our own tile) our microphone and camera where they differ from what it knows. */
  function syncMediaState(): void {
    const self = state.peek().self;
    const audio = media.audio.peek();
    const video = media.video.peek();
    if (!self || (self.audio === audio && self.video === video)) return;
    batch(() => {
      state.value = patchSelf(state.peek(), { audio, video });
      send({ event_type: "media_state", payload: { audio, video } });
    });
  }

  async function onFrame(frame: ServerFrame): Promise<void> {
    const { state: next, commands } = reduceFrame(state.peek(), frame);
    state.value = next;
    for (const command of commands) await carryOut(command);
  }

  async function carryOut(command: CallCommand): Promise<void> {
    const selfId = state.peek().self?.id;
    switch (command.type) {
      case "admitted":
        return admitted(command);
      case "knocking":
        // Knocking again (the kept seat ran out while offline): the old connections are gone.
        seatId = null;
        mesh.removeAll();
        mesh.prepareSpare(command.selfId, () => state.peek().phase === "waiting");
        return;
      case "expect_offer":
        // They will offer: the connection that answers is built now, not when the offer arrives (a
        // page's first connection also starts the browser's WebRTC threads, ~5 ms in the offer's way).
        if (mesh.iceSettled && selfId) mesh.connectionTo(selfId, command.from, false);
        return;
      case "knock":
        deps.onKnock?.(command.person);
        return;
      case "peer_away":
        mesh.get(command.id)?.signalingLost();
        return;
      case "peer_back":
        mesh.get(command.id)?.signalingBack();
        return;
      case "peer_left":
        mesh.remove(command.id);
        return;
      case "description": {
        if (command.offer && !mesh.iceSettled) await mesh.iceReady;
        const self = state.peek().self?.id;
        const target = command.offer
          ? self
            ? mesh.connectionTo(self, command.from, false)
            : null
          : mesh.get(command.from);
        await target?.handleDescription(command.data);
        return;
      }
      case "candidates":
        await mesh.get(command.from)?.handleCandidates(command.data);
        return;
      case "expire_error":
        scope.later(() => {
          if (state.peek().error !== null) state.value = { ...state.peek(), error: null };
        }, ERROR_SHOWN_MS);
        return;
      case "expire_reaction":
        scope.later(() => {
          state.value = dropReaction(state.peek(), command.key);
        }, REACTION_MS);
        return;
      case "over":
        scope.dispose();
        return;
    }
  }

  async function admitted(command: Extract<CallCommand, { type: "admitted" }>): Promise<void> {
    session.joined();
    const fresh = seatId !== command.selfId;
    seatId = command.selfId;
    const present = new Set(command.present);
    for (const id of mesh.peers.peek().keys()) if (fresh || !present.has(id)) mesh.remove(id);
    if (!fresh) {
      // Back after a dropped socket: make the room's view of our media match what we show.
      send({
        event_type: "media_state",
        payload: { audio: media.audio.peek(), video: media.video.peek(), screen: media.screenTrack !== null },
      });
      // What the others sent meanwhile was dropped by the room: renegotiate where media suffered.
      mesh.signalingBack();
      return;
    }
    // The newcomer offers to everyone already there; a host joining first has nobody. Not awaited once
    // settled: the offers should start before the call screen renders.
    if (!mesh.iceSettled) await mesh.iceReady;
    for (const id of present) mesh.connectionTo(command.selfId, id, true, command.offerSentTo);
    mesh.dropSpare();
    // A device that failed while we knocked: the room still has what join_room said.
    syncMediaState();
  }

  /** Our own media changed: shown on our tile at once and told to the room. */
  function publishSelf(patch: { audio?: boolean; video?: boolean; screen?: boolean }): void {
    batch(() => {
      state.value = patchSelf(state.peek(), patch);
      send({ event_type: "media_state", payload: patch });
    });
  }

  session.start();

  const isHost = computed(() => state.value.self?.role === "host");
  const everyone = computed(() => {
    const s = state.value;
    return s.self ? [s.self, ...s.participants] : s.participants;
  });

  return {
    state,
    peers: mesh.peers,
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
      publishSelf({ audio: media.audio.peek() });
      watchSelf();
    },
    async toggleCamera() {
      await media.setVideo(!media.video.peek());
      publishSelf({ video: media.video.peek() });
    },
    async toggleScreen() {
      if (media.screenTrack) media.stopScreen();
      else await media.startScreen();
      publishSelf({ screen: media.screenTrack !== null });
    },
    async useDevice(kind: "audio" | "video", deviceId: string) {
      await media.useDevice(kind, deviceId);
      if (kind === "audio") watchSelf();
    },
    flipCamera: () => media.flipCamera(),
    toggleHand() {
      const raised = !(state.peek().self?.hand_raised ?? false);
      batch(() => {
        state.value = patchSelf(state.peek(), { hand_raised: raised });
        send({ event_type: "raise_hand", payload: { raised } });
      });
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
      batch(() => {
        session.sayLeave();
        state.value = finish(state.peek(), "left");
        scope.dispose();
      });
    },
    endForEveryone() {
      send({ event_type: "end_call", payload: {} });
    },
    dispose() {
      if (!isFinal(state.peek().phase)) session.sayLeave();
      scope.dispose();
    },
  };
}

export type CallModel = ReturnType<typeof createCallModel>;
