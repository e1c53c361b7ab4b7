import { CLOSE_CODES, type ClientFrameOf, WAITING_ROOM_CAPACITY } from "../protocol/room";
import {
  callTerminated,
  newParticipant,
  newParticipantRequest,
  participantUpdated,
  requestCancelled,
} from "./frames";
import { admitted, type Outcome, waiting } from "./outcome";
import { admit, endSessionIfEmpty, withdrawKnock } from "./seats";
import { type Connection, type Identity, type Member, toParticipant } from "./state";

// How people get in: `join_room` (a host is seated, anyone else knocks, a resume token takes a kept seat
// back), the waiting room (one knock per identity, an offer held ahead), and the host's admit or decline.

type JoinPayload = ClientFrameOf<"join_room">["payload"];

/** `join_room`: resumes a kept seat, takes over this identity's knock, seats a host, or knocks. */
export function onJoin(out: Outcome, connection: Connection, frame: ClientFrameOf<"join_room">): void {
  if (out.state.deleted) {
    refuseDeleted(out, connection);
    return;
  }
  if (connection.participantId !== null) {
    out.error(connection.id, "already_joined", "This connection has already joined the call.", "join_room");
    return;
  }
  const { payload } = frame;
  const seat = keptSeat(out, connection.identity, payload.resume_token);
  if (seat) {
    resumeSeat(out, seat, connection, payload);
    return;
  }
  const role = connection.identity.sub === connection.identity.host_user_id ? "host" : "participant";
  // One knock per identity: another socket of the same account or guest ticket takes over the knock that
  // waits, so one person cannot fill the waiting room with sockets.
  const knock =
    role === "participant" ? waiting(out.state).find((m) => m.sub === connection.identity.sub) : undefined;
  if (knock) {
    shareKnock(out, knock, connection, payload);
    return;
  }
  if (!hasRoomFor(out, connection, role)) return;
  const member = newMember(out, connection, role, payload);
  if (role === "host") seatHost(out, member, connection);
  else startKnock(out, member, connection);
}

function refuseDeleted(out: Outcome, connection: Connection): void {
  out.send(connection.id, callTerminated("call_deleted"));
  out.close(connection.id, CLOSE_CODES.terminated, "call_deleted");
}

/**
 * The admitted seat a resume token names. The token is the secret; an account's seat also needs the same
 * account. A guest gets a new `guest:<uuid>` with every ticket, so a guest's seat goes to any guest ticket
 * holding its token.
 */
function keptSeat(out: Outcome, identity: Identity, resumeToken: string | undefined): Member | undefined {
  if (!resumeToken) return undefined;
  return Object.values(out.state.members).find(
    (m) =>
      m.status === "admitted" &&
      m.resumeToken === resumeToken &&
      (m.guest ? identity.guest : m.sub === identity.sub),
  );
}

/** Moves a seat to this socket (an older socket still on it is told and closed as replaced). */
function resumeSeat(out: Outcome, seat: Member, connection: Connection, payload: JoinPayload): void {
  if (seat.connectionId !== null && seat.connectionId !== connection.id) {
    const old = seat.connectionId;
    out.send(old, {
      event_type: "error",
      payload: { code: "already_joined", message: "You rejoined from another connection." },
    });
    out.close(old, CLOSE_CODES.replaced, "resumed elsewhere");
  }
  seat.connectionId = connection.id;
  seat.disconnectedAt = null;
  if (payload.audio !== undefined) seat.audio = payload.audio;
  if (payload.video !== undefined) seat.video = payload.video;
  out.bind(connection, seat.id);
  out.dirty = true;
  welcome(out, seat, connection.id);
  out.broadcast(participantUpdated(seat), seat.id);
}

/**
 * A further socket of someone already knocking: the same knock (same participant, same place in the queue,
 * hosts hear nothing new) now answers on this socket; the older one is told and closed as replaced. The
 * offer it held ahead was made on the older socket's connection, so it is forgotten.
 */
function shareKnock(out: Outcome, knock: Member, connection: Connection, payload: JoinPayload): void {
  const old = knock.connectionId;
  if (old !== null && old !== connection.id) {
    out.error(old, "already_joined", "You knocked from another connection.");
    out.close(old, CLOSE_CODES.replaced, "knocked elsewhere");
  }
  knock.connectionId = connection.id;
  if (payload.audio !== undefined) knock.audio = payload.audio;
  if (payload.video !== undefined) knock.video = payload.video;
  out.bind(connection, knock.id);
  out.knockOffer(knock.id, null);
  out.dirty = true;
  out.send(connection.id, {
    event_type: "waiting_room",
    payload: { call_id: out.state.call?.id ?? connection.identity.call_id, self: toParticipant(knock) },
  });
}

/** A host needs a free place in the call, a knock one in the waiting room; refused: told and closed. */
function hasRoomFor(out: Outcome, connection: Connection, role: Member["role"]): boolean {
  const { capacity } = out.ctx;
  let message: string | null = null;
  if (role === "host" && admitted(out.state).length >= capacity) {
    message = `The call is full (${capacity} people).`;
  } else if (role === "participant" && waiting(out.state).length >= WAITING_ROOM_CAPACITY) {
    message = "Too many people are waiting to join. Please try again later.";
  }
  if (message === null) return true;
  out.error(connection.id, "room_full", message, "join_room");
  out.close(connection.id, CLOSE_CODES.room_full, "room full");
  return false;
}

/** A new person on this socket, waiting for now; the room learns its call and session from the first. */
function newMember(out: Outcome, connection: Connection, role: Member["role"], payload: JoinPayload): Member {
  const { state, ctx } = out;
  const { identity } = connection;
  state.call = {
    id: identity.call_id,
    link: identity.call_link,
    title: identity.call_title,
    hostUserId: identity.host_user_id,
  };
  state.sessionId ??= ctx.newId("s");
  const member: Member = {
    id: ctx.newId("p"),
    sub: identity.sub,
    userId: identity.guest ? null : identity.sub,
    name: identity.name,
    guest: identity.guest,
    role,
    status: "waiting",
    audio: payload.audio ?? false,
    video: payload.video ?? false,
    screen: false,
    handRaised: false,
    joinedAt: ctx.now,
    connectionId: connection.id,
    disconnectedAt: null,
    resumeToken: ctx.newToken(),
    peak: 0,
  };
  state.members[member.id] = member;
  out.bind(connection, member.id);
  out.dirty = true;
  return member;
}

/** The host needs nobody's leave: admitted at once, the others hear of it. */
function seatHost(out: Outcome, member: Member, connection: Connection): void {
  admit(out, member);
  welcome(out, member, connection.id);
  out.broadcast(newParticipant(member), member.id);
}

/** Anyone else waits: told so, and every host hears the knock. */
function startKnock(out: Outcome, member: Member, connection: Connection): void {
  out.send(connection.id, {
    event_type: "waiting_room",
    payload: { call_id: connection.identity.call_id, self: toParticipant(member) },
  });
  out.toHosts(newParticipantRequest(member));
}

/** `knock_offer` from the socket a knock is on: held for the first person the newcomer will find. */
export function onKnockOffer(out: Outcome, member: Member, frame: ClientFrameOf<"knock_offer">): void {
  // One that crossed the admission on its way is dropped (the client then offers).
  if (member.status === "waiting") out.knockOffer(member.id, frame.payload.data.sdp);
}

/** Tells someone just seated who is there (a host also hears the waiting room). */
function welcome(out: Outcome, member: Member, connectionId: string, offerSentTo?: string): void {
  const { state } = out;
  const self = toParticipant(member);
  const participants = admitted(state)
    .filter((m) => m.id !== member.id)
    .map(toParticipant);
  const callId = state.call?.id ?? "";
  if (member.role !== "host") {
    out.send(connectionId, {
      event_type: "accepted_into_room",
      payload: {
        call_id: callId,
        self,
        participants,
        resume_token: member.resumeToken,
        ...(offerSentTo === undefined ? {} : { offer_sent_to: offerSentTo }),
      },
    });
    return;
  }
  const knocks = waiting(state);
  out.send(connectionId, {
    event_type: "host_joined_room",
    payload: {
      call_id: callId,
      self,
      participants,
      waiting: knocks.map(toParticipant),
      resume_token: member.resumeToken,
    },
  });
  // A host who arrives late (or comes back) hears every knock that is still waiting.
  for (const knock of knocks) out.send(connectionId, newParticipantRequest(knock));
}

/** The knock a host's `accept_participant` / `decline_participant` names; answered with an error if none. */
function knockFor(
  out: Outcome,
  host: Member,
  frame: ClientFrameOf<"accept_participant" | "decline_participant">,
): Member | null {
  const target = out.state.members[frame.payload.participant_id];
  if (target?.status === "waiting") return target;
  const message = "Nobody with that id is waiting to join.";
  out.error(host.connectionId ?? "", "unknown_participant", message, frame.event_type);
  return null;
}

/** `decline_participant`: the knock is told (with the host's reason) and closed. */
export function onDecline(out: Outcome, host: Member, frame: ClientFrameOf<"decline_participant">): void {
  const target = knockFor(out, host, frame);
  if (!target) return;
  const { reason } = frame.payload;
  out.send(target.connectionId, {
    event_type: "declined_from_room",
    payload: reason === undefined ? {} : { reason },
  });
  if (target.connectionId) out.close(target.connectionId, CLOSE_CODES.removed, "declined");
  withdrawKnock(out, target);
  endSessionIfEmpty(out);
}

/** `accept_participant`: the knock is admitted if there is room, with the offer it held ahead. */
export function onAccept(out: Outcome, host: Member, frame: ClientFrameOf<"accept_participant">): void {
  const target = knockFor(out, host, frame);
  if (!target) return;
  const { state, ctx } = out;
  if (admitted(state).length >= ctx.capacity) {
    const message = `The call is full (${ctx.capacity} people).`;
    out.error(host.connectionId ?? "", "room_full", message, frame.event_type);
    return;
  }
  admit(out, target);
  out.dirty = true;
  // The offer made while knocking goes to the first person the newcomer finds listed, if reachable.
  const sdp = state.knockOffers[target.id];
  out.knockOffer(target.id, null);
  const first = admitted(state).find((m) => m.id !== target.id);
  const offerTo = sdp !== undefined && first?.connectionId ? first : undefined;
  welcome(out, target, target.connectionId ?? "", offerTo?.id);
  out.broadcast(newParticipant(target), target.id);
  if (offerTo && sdp !== undefined)
    out.send(offerTo.connectionId, {
      event_type: "offer",
      payload: { sender_id: target.id, data: { type: "offer", sdp } },
    });
  out.toHosts(requestCancelled(target));
}
