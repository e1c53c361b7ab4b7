// Inside the iframe of /embed/:link: takes commands from the host page and tells it what happens in the
// call, by postMessage (contract: ./messages.ts, docs/embedding.md). Loaded only in embed mode.
import { effect, type ReadonlySignal } from "@preact/signals";
import type { CallState } from "../models/call-state";
import {
  type EmbedEventName,
  type EmbedEvents,
  type EventMessage,
  MESSAGE_VERSION,
  parseCommand,
  readFrameSettings,
} from "./messages";

/** What the bridge needs of the call model (client/src/models/call.ts). */
export interface BridgeModel {
  state: ReadonlySignal<CallState>;
  media: { audio: ReadonlySignal<boolean>; video: ReadonlySignal<boolean> };
  toggleMicrophone(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreen(): Promise<void>;
  leave(): void;
}

/** What the bridge needs of the page it runs in (in the browser: `window`, plus the call's origins). */
export interface BridgeHost {
  /** The framing page's window; the page's own window when it is not framed. */
  parent: { postMessage(message: unknown, targetOrigin: string): void };
  self: unknown;
  /** The frame URL's query. */
  search: string;
  /** The origins the call lets frame it, as the Worker said when it served this page. */
  allowedOrigins: readonly string[];
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/**
 * Connects the call on this page to the host page that framed it, if the frame URL names a host page
 * origin the call allows and this page is framed; otherwise nothing is sent or accepted. Returns a stop
 * function.
 */
export function startBridge(
  slug: string,
  model: ReadonlySignal<BridgeModel | null>,
  win: BridgeHost,
): () => void {
  const settings = readFrameSettings(win.search);
  if (!settings || win.parent === win.self) return () => undefined;
  if (!win.allowedOrigins.includes(settings.origin)) {
    console.warn(`vcme: ${settings.origin} is not one of this call's embed origins; the bridge is off`);
    return () => undefined;
  }
  const target = settings.origin;
  const parent = win.parent;

  function post<K extends EmbedEventName>(event: K, data: EmbedEvents[K]): void {
    const message: EventMessage<K> = { vcme: MESSAGE_VERSION, type: "event", event, data };
    parent.postMessage(message, target);
  }

  function onMessage(event: MessageEvent): void {
    // Only the page that framed us, and only from the origin the frame URL named (and the call allows).
    if (event.source !== parent || event.origin !== target) return;
    const message = parseCommand(event.data);
    if (!message) return;
    const current = model.peek();
    if (!current) {
      post("error", { code: "not_joined", message: "Join the call first." });
      return;
    }
    const done =
      message.command === "toggle-audio"
        ? current.toggleMicrophone()
        : message.command === "toggle-video"
          ? current.toggleCamera()
          : message.command === "toggle-screen-share"
            ? current.toggleScreen()
            : current.leave();
    void Promise.resolve(done).catch(() =>
      post("error", { code: "media_failed", message: `Could not ${message.command.replaceAll("-", " ")}.` }),
    );
  }
  win.addEventListener("message", onMessage);
  post("ready", { link: slug });

  const stopWatching = effect(() => {
    const current = model.value;
    if (!current) return;
    return watchCall(current, post);
  });

  return () => {
    stopWatching();
    win.removeEventListener("message", onMessage);
  };
}

type Post = <K extends EmbedEventName>(event: K, data: EmbedEvents[K]) => void;

/** Turns one call model's state changes into events; returns a function that stops watching. */
function watchCall(model: BridgeModel, post: Post): () => void {
  let phase: CallState["phase"] | null = null;
  let known = new Map<string, string>();
  let media = "";
  let lastError: string | null = null;
  return effect(() => {
    const state = model.state.value;
    const audio = model.media.audio.value;
    const video = model.media.video.value;
    if (state.phase !== phase) {
      phase = state.phase;
      announcePhase(state, post);
    }
    if (state.phase === "in-call") {
      // Everyone in the call, including those there before us: a host page can keep its list from these alone.
      const now = new Map(state.participants.map((p) => [p.id, p.name]));
      for (const [id, name] of now) if (!known.has(id)) post("participant-joined", { id, name });
      for (const id of known.keys()) if (!now.has(id)) post("participant-left", { id });
      known = now;
      const screen = state.self?.screen ?? false;
      const next = `${audio}/${video}/${screen}`;
      if (next !== media) {
        media = next;
        post("media", { audio, video, screen });
      }
    }
    if (state.error !== lastError) {
      lastError = state.error;
      if (state.error) post("error", { code: "room_error", message: state.error });
    }
  });
}

function announcePhase(state: CallState, post: Post): void {
  const message = state.notice ?? undefined;
  switch (state.phase) {
    case "waiting":
      post("waiting", {});
      return;
    case "in-call":
      post("joined", {
        participant_id: state.self?.id ?? "",
        role: state.self?.role ?? "participant",
        participants: state.participants.map((p) => ({ id: p.id, name: p.name })),
      });
      return;
    case "declined":
      post("declined", message ? { reason: message } : {});
      return;
    case "left":
      post("left", {});
      return;
    case "ended":
    case "removed":
    case "failed":
      post("call-ended", { reason: state.phase, ...(message ? { message } : {}) });
      return;
    default:
      return;
  }
}
