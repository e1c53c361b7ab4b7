import type { ClientFrame, ClientFrameOf } from "../protocol/room";
import { onAccept, onDecline, onJoin, onKnockOffer } from "./admission";
import { onChat, onEmoji, onMediaState, onRaiseHand, relaySignal } from "./in-call";
import { readFrame } from "./intake";
import { drop, onLeave, onOpen, onRemove, onRestore, onTick, terminateAll } from "./lifecycle";
import { memberOn, Outcome } from "./outcome";
import type {
  Connection,
  ConnectionAttachment,
  Identity,
  Member,
  RoomState,
  StepContext,
  StepResult,
} from "./state";

// The room's entry: `step()` takes an event, lets intake read a frame, and routes it to the rule module that
// decides it (admission, in-call, lifecycle). Who may send what is checked here, once.

/** Something that happens to the room. */
export type RoomEvent =
  /** A socket was accepted for a verified identity. */
  | { type: "open"; connectionId: string; identity: Identity }
  /** A frame arrived; `data` is null for a binary frame, `bytes` is its UTF-8 size. */
  | { type: "frame"; connectionId: string; data: string | null; bytes: number }
  /** A socket closed or failed without `leave_room`. */
  | { type: "close"; connectionId: string }
  /** Time passed (the alarm): kept seats whose grace is over are let go. */
  | { type: "tick" }
  /** The call was deleted (`DELETE /api/calls/:link`). */
  | { type: "terminate"; reason: "call_deleted" }
  /** The object woke up or restarted: these sockets are still live, every other seat has dropped. */
  | { type: "restore"; connections: ConnectionAttachment[] };

/**
 * The room's rules as a pure function: (state, event) → (state, frames to send, effects to carry out).
 * The input state is not modified, unless the caller owns it and says so with `"in-place"`: CallRoom does,
 * since copying the whole room for every relayed frame was most of the relay's CPU time.
 */
export function step(
  state: RoomState,
  event: RoomEvent,
  ctx: StepContext,
  mode: "copy" | "in-place" = "copy",
): StepResult {
  const out = new Outcome(mode === "copy" ? structuredClone(state) : state, ctx);
  switch (event.type) {
    case "open":
      onOpen(out, event.connectionId, event.identity);
      break;
    case "frame": {
      const connection = out.state.connections[event.connectionId];
      const frame = connection ? readFrame(out, connection, event.data, event.bytes) : null;
      if (connection && frame) onFrame(out, connection, frame);
      break;
    }
    case "close": {
      const connection = out.state.connections[event.connectionId];
      if (connection) drop(out, connection.id, connection.participantId);
      break;
    }
    case "tick":
      onTick(out);
      break;
    case "terminate":
      out.state.deleted = true;
      terminateAll(out, event.reason);
      break;
    case "restore":
      onRestore(out, event.connections);
      break;
  }
  return out.result();
}

/** A valid frame: anyone may ping, join or leave; a knock may offer ahead; the rest needs a seat. */
function onFrame(out: Outcome, connection: Connection, frame: ClientFrame): void {
  if (frame.event_type === "ping") {
    out.send(connection.id, { event_type: "pong", payload: {} });
    return;
  }
  if (frame.event_type === "join_room") {
    onJoin(out, connection, frame);
    return;
  }
  if (frame.event_type === "leave_room") {
    onLeave(out, connection);
    return;
  }
  const member = memberOn(out.state, connection);
  if (frame.event_type === "knock_offer" && member) {
    onKnockOffer(out, member, frame);
    return;
  }
  if (member?.status !== "admitted") {
    out.error(
      connection.id,
      "not_in_room",
      frame.event_type === "knock_offer"
        ? "Only someone knocking can send an offer ahead."
        : "Only people admitted to the call can do that.",
      frame.event_type,
    );
    return;
  }
  onAdmitted(out, member, frame);
}

function onAdmitted(out: Outcome, member: Member, frame: ClientFrame): void {
  switch (frame.event_type) {
    case "offer":
    case "answer":
    case "ice_candidate":
      relaySignal(out, member, frame);
      return;
    case "media_state":
      onMediaState(out, member, frame);
      return;
    case "raise_hand":
      onRaiseHand(out, member, frame);
      return;
    case "send_chat_message":
      onChat(out, member, frame);
      return;
    case "send_emoji":
      onEmoji(out, member, frame);
      return;
    case "accept_participant":
    case "decline_participant":
    case "remove_participant":
    case "end_call":
      onHostAction(out, member, frame);
      return;
    case "join_room":
    case "leave_room":
    case "ping":
    case "knock_offer":
      return;
    default:
      assertNever(frame);
  }
}

/** Frames only a host may send. */
function onHostAction(
  out: Outcome,
  member: Member,
  frame: ClientFrameOf<"accept_participant" | "decline_participant" | "remove_participant" | "end_call">,
): void {
  if (member.role !== "host") {
    out.error(member.connectionId ?? "", "not_host", "Only the host can do that.", frame.event_type);
    return;
  }
  switch (frame.event_type) {
    case "accept_participant":
      onAccept(out, member, frame);
      return;
    case "decline_participant":
      onDecline(out, member, frame);
      return;
    case "remove_participant":
      onRemove(out, member, frame);
      return;
    case "end_call":
      terminateAll(out, "ended_by_host");
      return;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(value)}`);
}
