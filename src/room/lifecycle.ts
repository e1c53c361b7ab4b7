import {
  CLOSE_CODES,
  type ClientFrameOf,
  RATE_LIMIT_BURST,
  RESUME_GRACE_MS,
  type TerminateReason,
} from "../protocol/room";
import { callTerminated, participantLeft, participantUpdated } from "./frames";
import { memberOn, type Outcome } from "./outcome";
import { endSessionIfEmpty, release, withdrawKnock } from "./seats";
import type { Connection, ConnectionAttachment, Identity, Member, RoomState } from "./state";

// How sockets and stays begin and end: a socket opens, leaves, drops or is removed; a kept seat runs out;
// the call ends; the object wakes up with some sockets still live.

/**
 * Live sockets one identity (an account, or one guest ticket's guest) may hold in a room: a few tabs and a
 * reconnect in flight. Without it one 60 s ticket could open sockets without end.
 */
export const MAX_SOCKETS_PER_IDENTITY = 8;

/** Why a socket for `identity` may not open now (sent as a 429 before the upgrade), or null when it may. */
export function socketRefusal(
  state: RoomState,
  identity: Identity,
): { code: "rate_limited"; message: string } | null {
  let held = 0;
  for (const connection of Object.values(state.connections)) {
    if (connection.identity.sub === identity.sub) held++;
  }
  if (held < MAX_SOCKETS_PER_IDENTITY) return null;
  const message = "Too many connections to this call from one person. Close another tab and try again.";
  return { code: "rate_limited", message };
}

/** The room's bookkeeping for a socket, fresh or rebuilt from its attachment. */
export function newConnection(attachment: ConnectionAttachment, now: number): Connection {
  return {
    id: attachment.id,
    identity: attachment.identity,
    participantId: attachment.participantId,
    openedAt: attachment.openedAt,
    tokens: RATE_LIMIT_BURST,
    refilledAt: now,
    badInARow: 0,
    rateNoticeAt: Number.NEGATIVE_INFINITY,
  };
}

/** A socket was accepted; it speaks for nobody until it joins. */
export function onOpen(out: Outcome, connectionId: string, identity: Identity): void {
  const { now } = out.ctx;
  out.state.connections[connectionId] = newConnection(
    { id: connectionId, identity, participantId: null, openedAt: now },
    now,
  );
}

/** A socket is gone without `leave_room`: a knock is withdrawn, an admitted person keeps the seat. */
export function drop(out: Outcome, connectionId: string, participantId: string | null): void {
  delete out.state.connections[connectionId];
  const member = participantId ? out.state.members[participantId] : undefined;
  if (!member || member.connectionId !== connectionId) return;
  if (member.status === "waiting") {
    withdrawKnock(out, member);
    endSessionIfEmpty(out);
    return;
  }
  member.connectionId = null;
  member.disconnectedAt = out.ctx.now;
  out.dirty = true;
  out.broadcast(participantUpdated(member));
}

/** `leave_room`: the socket is told and closed; a knock is withdrawn, a stay ends. */
export function onLeave(out: Outcome, connection: Connection): void {
  const member = memberOn(out.state, connection);
  out.send(connection.id, { event_type: "left_room", payload: {} });
  out.close(connection.id, CLOSE_CODES.normal, "left");
  if (!member) return;
  if (member.status === "waiting") {
    withdrawKnock(out, member);
  } else {
    release(out, member, out.ctx.now, "left");
    out.broadcast(participantLeft(member, "left"));
  }
  endSessionIfEmpty(out);
}

/** `remove_participant` (the host's): the person is told and closed, their seat is not kept. */
export function onRemove(out: Outcome, host: Member, frame: ClientFrameOf<"remove_participant">): void {
  const target = out.state.members[frame.payload.participant_id];
  if (target?.status !== "admitted" || target.id === host.id) {
    const message = "Nobody else with that id is in the call.";
    out.error(host.connectionId ?? "", "unknown_participant", message, frame.event_type);
    return;
  }
  if (target.connectionId) {
    out.send(target.connectionId, { event_type: "removed_from_room", payload: {} });
    out.close(target.connectionId, CLOSE_CODES.removed, "removed");
  }
  release(out, target, target.disconnectedAt ?? out.ctx.now, "removed");
  out.broadcast(participantLeft(target, "removed"));
  endSessionIfEmpty(out);
}

/** Ends the call for everyone (`end_call`, or the call was deleted): every socket closes, every stay ends. */
export function terminateAll(out: Outcome, reason: TerminateReason): void {
  const { now } = out.ctx;
  const frame = callTerminated(reason);
  for (const id of Object.keys(out.state.connections)) {
    out.send(id, frame);
    out.close(id, CLOSE_CODES.terminated, reason);
  }
  for (const member of Object.values(out.state.members)) {
    if (member.status === "admitted") release(out, member, member.disconnectedAt ?? now, reason);
    else delete out.state.members[member.id];
  }
  for (const id of new Set([
    ...Object.keys(out.state.knockOffers),
    ...Object.keys(out.state.offerStore.storedAt),
  ]))
    out.knockOffer(id, null);
  out.dirty = true;
  endSessionIfEmpty(out);
}

/** Time passed: kept seats whose grace is over are let go, coalesced knock offers whose turn came are stored. */
export function onTick(out: Outcome): void {
  const { now } = out.ctx;
  for (const member of Object.values(out.state.members)) {
    if (member.disconnectedAt === null || now < member.disconnectedAt + RESUME_GRACE_MS) continue;
    release(out, member, member.disconnectedAt, "disconnected");
    out.broadcast(participantLeft(member, "disconnected"));
  }
  endSessionIfEmpty(out);
  for (const id of Object.keys(out.state.offerStore.pending)) out.storeOffer(id);
}

/** The object woke up or restarted with these sockets live: every other seat has dropped meanwhile. */
export function onRestore(out: Outcome, live: ConnectionAttachment[]): void {
  const { state, ctx } = out;
  state.connections = {};
  for (const attachment of live) {
    const connection = newConnection(attachment, ctx.now);
    state.connections[attachment.id] = connection;
    const member = attachment.participantId ? state.members[attachment.participantId] : undefined;
    // A socket whose participant has moved on (resumed elsewhere, or gone) belongs to nobody now.
    if (attachment.participantId !== null && member?.connectionId !== attachment.id)
      out.bind(connection, null);
  }
  for (const member of Object.values(state.members)) {
    if (member.connectionId === null) continue;
    if (state.connections[member.connectionId]?.participantId === member.id) continue;
    // The socket went away while the object was not running: the same as a drop now.
    drop(out, member.connectionId, member.id);
  }
  // Stored offers of knocks that are no longer waiting (gone while the object was not running).
  for (const id of Object.keys(state.knockOffers)) {
    if (state.members[id]?.status !== "waiting") out.knockOffer(id, null);
  }
}
