// The call session: the life of the signaling socket. It says join_room on every (re)connection, hands the
// room's frames to the call model one after another, and turns the code the room closed it with into the
// phase the person sees. What a frame means is call-state.ts's business; what to do about it, call.ts's.
import type { Signal } from "@preact/signals";
import type { ClientFrame, ServerFrame } from "../rtc/frames";
import { SignalingSocket } from "../rtc/signaling";
import { type CallState, setSignaling, stateAfterClose } from "./call-state";
import type { Scope } from "./scope";

export interface CallSessionDeps {
  scope: Scope;
  state: Signal<CallState>;
  /** A fresh WebSocket URL with a new ticket, for the first connection and every reconnect. */
  connectUrl(): Promise<string>;
  /** What join_room says of our microphone and camera now. */
  media(): { audio: boolean; video: boolean };
  /** One frame from the room; the next waits until the promise settles. */
  onFrame(frame: ServerFrame): Promise<void>;
  /** The socket dropped and is reconnecting. */
  onReconnecting(): void;
  /** The socket is closed for good (the state already says why). */
  onEnd(): void;
}

export interface CallSession {
  /** Sends once the room has admitted us; a knock's offer goes out now or not at all. */
  send(frame: ClientFrame): boolean;
  /** The room answered join_room: what was queued goes out now. */
  joined(): void;
  /** Tells the room we leave, if the socket is open. */
  sayLeave(): void;
  /** Opens the first connection. */
  start(): void;
}

export function createCallSession(deps: CallSessionDeps): CallSession {
  const { scope, state } = deps;
  /** Frames are handled one after another, so a candidate never overtakes the offer it belongs to. */
  let inbox: Promise<void> = Promise.resolve();
  const socket = new SignalingSocket({
    url: deps.connectUrl,
    onOpen() {
      const resumeToken = state.peek().resumeToken;
      socket.sendFirst({
        event_type: "join_room",
        payload: { ...(resumeToken ? { resume_token: resumeToken } : {}), ...deps.media() },
      });
    },
    onFrame(frame) {
      inbox = inbox
        .then(() => deps.onFrame(frame))
        .catch((error: unknown) => console.warn("vcme: frame failed", error));
    },
    onStatus(status) {
      if (status !== "reconnecting") return;
      state.value = setSignaling(state.peek(), "reconnecting");
      deps.onReconnecting();
    },
    onEnd(end) {
      state.value = stateAfterClose(state.peek(), end);
      deps.onEnd();
    },
  });
  const sayLeave = () => {
    socket.sendFirst({ event_type: "leave_room", payload: {} });
  };
  // Closing the tab: tell the room at once, so the others do not wait 30 s for a resume.
  scope.listen(globalThis as Partial<EventTarget>, "pagehide", sayLeave);
  scope.onDispose(() => socket.close());
  return {
    start: () => socket.start(),
    send: (frame) => (frame.event_type === "knock_offer" ? socket.sendFirst(frame) : socket.send(frame)),
    joined: () => socket.markJoined(),
    sayLeave,
  };
}
