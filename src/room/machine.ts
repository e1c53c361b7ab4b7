import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import {
  CLIENT_EVENT_TYPES,
  CLOSE_CODES,
  type ClientFrame,
  type ClientFrameOf,
  type CloseCode,
  clientFrameSchema,
  KNOCK_OFFER_STORE_INTERVAL_MS,
  KNOCK_OFFER_STORES_PER_SECOND,
  type LeaveReason,
  MAX_BAD_FRAMES_IN_A_ROW,
  MAX_FRAME_BYTES,
  RATE_LIMIT_BURST,
  RATE_LIMIT_PER_SECOND,
  RESUME_GRACE_MS,
  type RoomErrorCode,
  type ServerFrame,
  type TerminateReason,
  WAITING_ROOM_CAPACITY,
} from "../protocol/room";
import { readRelayFrame } from "./relay-frame";
import {
  type Connection,
  type ConnectionAttachment,
  type Effect,
  type Identity,
  type Member,
  type Outgoing,
  type RoomState,
  type StayRecord,
  type StepContext,
  type StepResult,
  toParticipant,
} from "./state";

// The room's `error` events quote zod's messages: make them English even where nothing else loaded a locale.
z.config(en());

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

const TERMINATE_MESSAGES: Record<TerminateReason, string> = {
  ended_by_host: "The host ended the call for everyone.",
  call_deleted: "The host deleted this call.",
};

/** Collects what one step says and does. */
class Step {
  readonly messages: Outgoing[] = [];
  readonly effects: Effect[] = [];
  dirty = false;

  constructor(
    readonly state: RoomState,
    readonly ctx: StepContext,
  ) {}

  send(to: string | null, frame: ServerFrame): void {
    if (to !== null && this.state.connections[to]) this.messages.push({ to, frame });
  }

  error(to: string, code: RoomErrorCode, message: string, eventType?: string): void {
    this.send(to, {
      event_type: "error",
      payload: eventType === undefined ? { code, message } : { code, message, event_type: eventType },
    });
  }

  /** Sends to every admitted, connected person except `exceptId`. */
  broadcast(frame: ServerFrame, exceptId?: string): void {
    for (const member of admitted(this.state)) {
      if (member.id !== exceptId) this.send(member.connectionId, frame);
    }
  }

  /** Sends to every connected host (only hosts hear about knocks). */
  toHosts(frame: ServerFrame): void {
    for (const member of admitted(this.state)) {
      if (member.role === "host") this.send(member.connectionId, frame);
    }
  }

  /** Closes a socket; the room forgets it at once (its close event is then ignored). */
  close(connectionId: string, code: CloseCode, reason: string): void {
    if (!this.state.connections[connectionId]) return;
    delete this.state.connections[connectionId];
    this.effects.push({ type: "close", connectionId, code, reason });
  }

  bind(connection: Connection, participantId: string | null): void {
    connection.participantId = participantId;
    this.effects.push({
      type: "attach",
      attachment: {
        id: connection.id,
        identity: connection.identity,
        participantId,
        openedAt: connection.openedAt,
      },
    });
  }

  record(kind: "joined" | "left", stay: StayRecord): void {
    this.effects.push({ type: "record", record: { kind, stay } });
  }

  /**
   * Sets (or with null forgets) a knock's latest offer. Storing it is one small row of its own, coalesced
   * by the bounds of `OfferStore`; forgetting deletes the row if there is one.
   */
  knockOffer(participantId: string, sdp: string | null): void {
    const offers = this.state.knockOffers;
    const store = this.state.offerStore;
    if (sdp === null) {
      const stored = participantId in store.storedAt;
      delete offers[participantId];
      delete store.pending[participantId];
      delete store.storedAt[participantId];
      if (stored) this.effects.push({ type: "store_offer", participantId, sdp: null });
      return;
    }
    if (offers[participantId] === sdp) return;
    offers[participantId] = sdp;
    this.storeOffer(participantId);
  }

  /** Stores a knock's offer now if the bounds allow; otherwise it waits (and the alarm is set for it). */
  storeOffer(participantId: string): void {
    const store = this.state.offerStore;
    const sdp = this.state.knockOffers[participantId];
    if (sdp === undefined) return;
    const { now } = this.ctx;
    const last = store.storedAt[participantId] ?? Number.NEGATIVE_INFINITY;
    const elapsed = Math.max(0, now - store.refilledAt) / 1000;
    store.tokens = Math.min(
      KNOCK_OFFER_STORES_PER_SECOND,
      store.tokens + elapsed * KNOCK_OFFER_STORES_PER_SECOND,
    );
    store.refilledAt = now;
    if (now - last >= KNOCK_OFFER_STORE_INTERVAL_MS && store.tokens >= 1) {
      store.tokens -= 1;
      store.storedAt[participantId] = now;
      delete store.pending[participantId];
      this.effects.push({ type: "store_offer", participantId, sdp });
      return;
    }
    if (!store.pending[participantId]) {
      store.pending[participantId] = true;
      this.effects.push({ type: "wake" });
    }
  }

  result(): StepResult {
    return { state: this.state, messages: this.messages, effects: this.effects, dirty: this.dirty };
  }
}

function admitted(state: RoomState): Member[] {
  return Object.values(state.members).filter((m) => m.status === "admitted");
}

function waiting(state: RoomState): Member[] {
  return Object.values(state.members).filter((m) => m.status === "waiting");
}

function stay(step: Step, member: Member, leftAt: number | null, reason: string | null): StayRecord {
  const { call, sessionId } = step.state;
  return {
    session_id: sessionId ?? "",
    participant_id: member.id,
    call_id: call?.id ?? "",
    call_title: call?.title ?? "",
    user_id: member.userId,
    display_name: member.name,
    role: member.role,
    guest: member.guest,
    joined_at: new Date(member.joinedAt).toISOString(),
    left_at: leftAt === null ? null : new Date(leftAt).toISOString(),
    leave_reason: reason,
    participant_count: member.peak,
  };
}

/** Marks someone admitted now, updates everyone's peak and queues their participant record. */
function admit(step: Step, member: Member): void {
  member.status = "admitted";
  member.joinedAt = step.ctx.now;
  const count = admitted(step.state).length;
  for (const m of admitted(step.state)) m.peak = Math.max(m.peak, count);
  step.record("joined", stay(step, member, null, null));
}

/** Lets an admitted person go for good: their stay ends and is logged exactly once. */
function release(step: Step, member: Member, leftAt: number, reason: string): void {
  delete step.state.members[member.id];
  step.dirty = true;
  step.record("left", stay(step, member, leftAt, reason));
}

/** When nobody is left (in, knocking or holding a seat) the session is over. */
function endSessionIfEmpty(step: Step): void {
  if (step.state.sessionId !== null && Object.keys(step.state.members).length === 0) {
    step.state.sessionId = null;
    step.dirty = true;
  }
}

/** A knock goes away (left, dropped or decided): every host's waiting list drops it. */
function withdrawKnock(step: Step, member: Member): void {
  delete step.state.members[member.id];
  step.knockOffer(member.id, null);
  step.dirty = true;
  step.toHosts({ event_type: "participant_request_cancelled", payload: { participant_id: member.id } });
}

/** A socket is gone without `leave_room`: a knock is withdrawn, an admitted person keeps the seat. */
function drop(step: Step, connectionId: string, participantId: string | null): void {
  delete step.state.connections[connectionId];
  const member = participantId ? step.state.members[participantId] : undefined;
  if (!member || member.connectionId !== connectionId) return;
  if (member.status === "waiting") {
    withdrawKnock(step, member);
    endSessionIfEmpty(step);
    return;
  }
  member.connectionId = null;
  member.disconnectedAt = step.ctx.now;
  step.dirty = true;
  step.broadcast({ event_type: "participant_updated", payload: { participant: toParticipant(member) } });
}

function terminateAll(step: Step, reason: TerminateReason): void {
  const { now } = step.ctx;
  const frame: ServerFrame = {
    event_type: "call_terminated",
    payload: { reason, message: TERMINATE_MESSAGES[reason] },
  };
  for (const id of Object.keys(step.state.connections)) {
    step.send(id, frame);
    step.close(id, CLOSE_CODES.terminated, reason);
  }
  for (const member of Object.values(step.state.members)) {
    if (member.status === "admitted") release(step, member, member.disconnectedAt ?? now, reason);
    else delete step.state.members[member.id];
  }
  for (const id of new Set([
    ...Object.keys(step.state.knockOffers),
    ...Object.keys(step.state.offerStore.storedAt),
  ]))
    step.knockOffer(id, null);
  step.dirty = true;
  endSessionIfEmpty(step);
}

function welcome(step: Step, member: Member, connectionId: string, offerSentTo?: string): void {
  const { state } = step;
  const self = toParticipant(member);
  const others = admitted(state)
    .filter((m) => m.id !== member.id)
    .map(toParticipant);
  const callId = state.call?.id ?? "";
  if (member.role === "host") {
    const knocks = waiting(state);
    step.send(connectionId, {
      event_type: "host_joined_room",
      payload: {
        call_id: callId,
        self,
        participants: others,
        waiting: knocks.map(toParticipant),
        resume_token: member.resumeToken,
      },
    });
    // A host who arrives late (or comes back) hears every knock that is still waiting.
    for (const knock of knocks) {
      step.send(connectionId, {
        event_type: "new_participant_request",
        payload: { participant: toParticipant(knock) },
      });
    }
  } else {
    step.send(connectionId, {
      event_type: "accepted_into_room",
      payload: {
        call_id: callId,
        self,
        participants: others,
        resume_token: member.resumeToken,
        ...(offerSentTo === undefined ? {} : { offer_sent_to: offerSentTo }),
      },
    });
  }
}

function refuseFull(step: Step, connection: Connection, message: string): void {
  step.error(connection.id, "room_full", message, "join_room");
  step.close(connection.id, CLOSE_CODES.room_full, "room full");
}

function onJoin(step: Step, connection: Connection, frame: ClientFrameOf<"join_room">): void {
  const { state, ctx } = step;
  if (state.deleted) {
    step.send(connection.id, {
      event_type: "call_terminated",
      payload: { reason: "call_deleted", message: TERMINATE_MESSAGES.call_deleted },
    });
    step.close(connection.id, CLOSE_CODES.terminated, "call_deleted");
    return;
  }
  if (connection.participantId !== null) {
    step.error(connection.id, "already_joined", "This connection has already joined the call.", "join_room");
    return;
  }
  const identity = connection.identity;
  const { audio, video, resume_token: resumeToken } = frame.payload;

  // The token is the secret; an account's seat also needs the same account. A guest gets a new
  // `guest:<uuid>` with every ticket, so a guest's seat goes to any guest ticket holding its token.
  const seat = resumeToken
    ? Object.values(state.members).find(
        (m) =>
          m.status === "admitted" &&
          m.resumeToken === resumeToken &&
          (m.guest ? identity.guest : m.sub === identity.sub),
      )
    : undefined;
  if (seat) {
    if (seat.connectionId !== null && seat.connectionId !== connection.id) {
      const old = seat.connectionId;
      step.send(old, {
        event_type: "error",
        payload: { code: "already_joined", message: "You rejoined from another connection." },
      });
      step.close(old, CLOSE_CODES.replaced, "resumed elsewhere");
    }
    seat.connectionId = connection.id;
    seat.disconnectedAt = null;
    if (audio !== undefined) seat.audio = audio;
    if (video !== undefined) seat.video = video;
    step.bind(connection, seat.id);
    step.dirty = true;
    welcome(step, seat, connection.id);
    step.broadcast(
      { event_type: "participant_updated", payload: { participant: toParticipant(seat) } },
      seat.id,
    );
    return;
  }

  const role = identity.sub === identity.host_user_id ? "host" : "participant";
  // One knock per identity (MAX_KNOCKS_PER_IDENTITY): another socket of the same account or guest ticket
  // takes over the knock that waits, so one person cannot fill the waiting room with sockets.
  const knock = role === "participant" ? waiting(state).find((m) => m.sub === identity.sub) : undefined;
  if (knock) {
    shareKnock(step, knock, connection, frame.payload);
    return;
  }
  if (role === "host" && admitted(state).length >= ctx.capacity) {
    refuseFull(step, connection, `The call is full (${ctx.capacity} people).`);
    return;
  }
  if (role === "participant" && waiting(state).length >= WAITING_ROOM_CAPACITY) {
    refuseFull(step, connection, "Too many people are waiting to join. Please try again later.");
    return;
  }
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
    audio: audio ?? false,
    video: video ?? false,
    screen: false,
    handRaised: false,
    joinedAt: ctx.now,
    connectionId: connection.id,
    disconnectedAt: null,
    resumeToken: ctx.newToken(),
    peak: 0,
  };
  state.members[member.id] = member;
  step.bind(connection, member.id);
  step.dirty = true;
  if (role === "host") {
    admit(step, member);
    welcome(step, member, connection.id);
    step.broadcast(
      { event_type: "new_participant", payload: { participant: toParticipant(member) } },
      member.id,
    );
    return;
  }
  step.send(connection.id, {
    event_type: "waiting_room",
    payload: { call_id: identity.call_id, self: toParticipant(member) },
  });
  step.toHosts({ event_type: "new_participant_request", payload: { participant: toParticipant(member) } });
}

/**
 * A further socket of someone already knocking: the same knock (same participant, same place in the queue,
 * hosts hear nothing new) now answers on this socket; the older one is told and closed as replaced. The
 * offer it made belonged to the older socket's connection, so it is forgotten.
 */
function shareKnock(
  step: Step,
  knock: Member,
  connection: Connection,
  payload: ClientFrameOf<"join_room">["payload"],
): void {
  const old = knock.connectionId;
  if (old !== null && old !== connection.id) {
    step.error(old, "already_joined", "You knocked from another connection.");
    step.close(old, CLOSE_CODES.replaced, "knocked elsewhere");
  }
  knock.connectionId = connection.id;
  if (payload.audio !== undefined) knock.audio = payload.audio;
  if (payload.video !== undefined) knock.video = payload.video;
  step.bind(connection, knock.id);
  step.knockOffer(knock.id, null);
  step.dirty = true;
  step.send(connection.id, {
    event_type: "waiting_room",
    payload: { call_id: step.state.call?.id ?? connection.identity.call_id, self: toParticipant(knock) },
  });
}

function onLeave(step: Step, connection: Connection): void {
  const member = connection.participantId ? step.state.members[connection.participantId] : undefined;
  step.send(connection.id, { event_type: "left_room", payload: {} });
  step.close(connection.id, CLOSE_CODES.normal, "left");
  if (!member || member.connectionId !== connection.id) return;
  if (member.status === "waiting") {
    withdrawKnock(step, member);
  } else {
    release(step, member, step.ctx.now, "left");
    step.broadcast({
      event_type: "participant_left",
      payload: { participant_id: member.id, reason: "left" },
    });
  }
  endSessionIfEmpty(step);
}

/** Frames only a host may send. */
function onHostAction(
  step: Step,
  host: Member,
  frame: ClientFrameOf<"accept_participant" | "decline_participant" | "remove_participant" | "end_call">,
): void {
  const { state, ctx } = step;
  const by = host.connectionId ?? "";
  if (frame.event_type === "end_call") {
    terminateAll(step, "ended_by_host");
    return;
  }
  const target = state.members[frame.payload.participant_id];
  if (frame.event_type === "accept_participant" || frame.event_type === "decline_participant") {
    if (target?.status !== "waiting") {
      step.error(by, "unknown_participant", "Nobody with that id is waiting to join.", frame.event_type);
      return;
    }
    if (frame.event_type === "decline_participant") {
      const reason = frame.payload.reason;
      step.send(target.connectionId, {
        event_type: "declined_from_room",
        payload: reason === undefined ? {} : { reason },
      });
      if (target.connectionId) step.close(target.connectionId, CLOSE_CODES.removed, "declined");
      withdrawKnock(step, target);
      endSessionIfEmpty(step);
      return;
    }
    if (admitted(state).length >= ctx.capacity) {
      step.error(by, "room_full", `The call is full (${ctx.capacity} people).`, frame.event_type);
      return;
    }
    admit(step, target);
    step.dirty = true;
    // The offer made while knocking goes to the first person the newcomer finds listed, if reachable.
    const sdp = state.knockOffers[target.id];
    step.knockOffer(target.id, null);
    const first = admitted(state).find((m) => m.id !== target.id);
    const offerTo = sdp !== undefined && first?.connectionId ? first : undefined;
    welcome(step, target, target.connectionId ?? "", offerTo?.id);
    step.broadcast(
      { event_type: "new_participant", payload: { participant: toParticipant(target) } },
      target.id,
    );
    if (offerTo && sdp !== undefined)
      step.send(offerTo.connectionId, {
        event_type: "offer",
        payload: { sender_id: target.id, data: { type: "offer", sdp } },
      });
    step.toHosts({ event_type: "participant_request_cancelled", payload: { participant_id: target.id } });
    return;
  }
  if (target?.status !== "admitted" || target.id === host.id) {
    step.error(by, "unknown_participant", "Nobody else with that id is in the call.", frame.event_type);
    return;
  }
  if (target.connectionId) {
    step.send(target.connectionId, { event_type: "removed_from_room", payload: {} });
    step.close(target.connectionId, CLOSE_CODES.removed, "removed");
  }
  release(step, target, target.disconnectedAt ?? ctx.now, "removed");
  step.broadcast({
    event_type: "participant_left",
    payload: { participant_id: target.id, reason: "removed" },
  });
  endSessionIfEmpty(step);
}

function onAdmitted(step: Step, member: Member, frame: ClientFrame): void {
  const by = member.connectionId ?? "";
  switch (frame.event_type) {
    case "offer":
    case "answer":
    case "ice_candidate": {
      const target = step.state.members[frame.payload.target_id];
      if (target?.status !== "admitted" || target.id === member.id) {
        step.error(by, "unknown_participant", "Nobody else with that id is in the call.", frame.event_type);
        return;
      }
      // A kept seat has no socket: the message is dropped and the pair renegotiates after the resume.
      const to = target.connectionId;
      if (frame.event_type === "ice_candidate") {
        step.send(to, {
          event_type: "ice_candidate",
          payload: { sender_id: member.id, data: frame.payload.data },
        });
      } else {
        step.send(to, {
          event_type: frame.event_type,
          payload: { sender_id: member.id, data: frame.payload.data },
        });
      }
      return;
    }
    case "media_state": {
      const { audio, video, screen } = frame.payload;
      if (audio !== undefined) member.audio = audio;
      if (video !== undefined) member.video = video;
      if (screen !== undefined) member.screen = screen;
      step.dirty = true;
      step.broadcast({ event_type: "participant_updated", payload: { participant: toParticipant(member) } });
      return;
    }
    case "raise_hand":
      member.handRaised = frame.payload.raised;
      step.dirty = true;
      step.broadcast({ event_type: "participant_updated", payload: { participant: toParticipant(member) } });
      return;
    case "send_chat_message":
      step.broadcast({
        event_type: "chat_message_received",
        payload: {
          id: step.ctx.newId("m"),
          sender_id: member.id,
          sender_name: member.name,
          text: frame.payload.text,
          sent_at: new Date(step.ctx.now).toISOString(),
        },
      });
      return;
    case "send_emoji":
      step.broadcast({
        event_type: "emoji_received",
        payload: { sender_id: member.id, emoji: frame.payload.emoji },
      });
      return;
    case "accept_participant":
    case "decline_participant":
    case "remove_participant":
    case "end_call":
      if (member.role !== "host") {
        step.error(by, "not_host", "Only the host can do that.", frame.event_type);
        return;
      }
      onHostAction(step, member, frame);
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

function assertNever(value: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(value)}`);
}

/** Counts a bad frame; the socket is closed once it keeps sending them. */
function badFrame(
  step: Step,
  connection: Connection,
  code: RoomErrorCode,
  message: string,
  eventType?: string,
): void {
  connection.badInARow += 1;
  const overLimit = code === "rate_limited";
  // Rate-limit notices are throttled to one a second so a flood is not answered by a flood.
  if (!overLimit || step.ctx.now - connection.rateNoticeAt >= 1000) {
    if (overLimit) connection.rateNoticeAt = step.ctx.now;
    step.error(connection.id, code, message, eventType);
  }
  if (connection.badInARow >= MAX_BAD_FRAMES_IN_A_ROW) {
    step.close(connection.id, CLOSE_CODES.protocol_violation, "too many bad frames");
    drop(step, connection.id, connection.participantId);
  }
}

const DEFAULT_RATE_LIMIT = { perSecond: RATE_LIMIT_PER_SECOND, burst: RATE_LIMIT_BURST };

/** Takes one token from the socket's bucket; false when it is empty. */
function takeToken(connection: Connection, ctx: StepContext): boolean {
  const limit = ctx.rateLimit === undefined ? DEFAULT_RATE_LIMIT : ctx.rateLimit;
  if (limit === null) return true;
  const now = ctx.now;
  const elapsed = Math.max(0, now - connection.refilledAt) / 1000;
  connection.tokens = Math.min(limit.burst, connection.tokens + elapsed * limit.perSecond);
  connection.refilledAt = now;
  if (connection.tokens < 1) return false;
  connection.tokens -= 1;
  return true;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);

/** The schema's reading of a frame; one it refuses is answered with its first issue. */
function schemaFrame(
  step: Step,
  connection: Connection,
  json: unknown,
  shownType: string,
): ClientFrame | null {
  const parsed = clientFrameSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  badFrame(step, connection, "invalid_message", `${where}${issue?.message ?? "invalid frame"}`, shownType);
  return null;
}

function onFrame(step: Step, connection: Connection, data: string | null, bytes: number): void {
  if (!takeToken(connection, step.ctx)) {
    badFrame(step, connection, "rate_limited", "Too many messages; slow down.");
    return;
  }
  if (data === null) {
    badFrame(step, connection, "invalid_message", "Frames must be JSON text.");
    return;
  }
  if (bytes > MAX_FRAME_BYTES) {
    badFrame(step, connection, "payload_too_large", `Frames may be at most ${MAX_FRAME_BYTES} bytes.`);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    badFrame(step, connection, "invalid_message", "Frames must be JSON.");
    return;
  }
  const eventType =
    typeof json === "object" && json !== null && "event_type" in json ? json.event_type : undefined;
  if (typeof eventType !== "string") {
    badFrame(step, connection, "invalid_message", 'A frame is {"event_type": "...", "payload": {...}}.');
    return;
  }
  const shownType = eventType.slice(0, 64);
  if (!KNOWN_EVENTS.has(eventType)) {
    badFrame(step, connection, "unknown_event", `Unknown event_type "${shownType}".`, shownType);
    return;
  }
  // Relayed frames, most of the traffic, have a lean reader; anything it does not accept goes to the schema.
  const frame = readRelayFrame(json) ?? schemaFrame(step, connection, json, shownType);
  if (!frame) return;
  connection.badInARow = 0;
  if (frame.event_type === "ping") {
    step.send(connection.id, { event_type: "pong", payload: {} });
    return;
  }
  if (frame.event_type === "join_room") {
    onJoin(step, connection, frame);
    return;
  }
  if (frame.event_type === "leave_room") {
    onLeave(step, connection);
    return;
  }
  const member = connection.participantId ? step.state.members[connection.participantId] : undefined;
  if (frame.event_type === "knock_offer" && member?.connectionId === connection.id) {
    // Held while knocking; one that crossed the admission on its way is dropped (the client then offers).
    if (member.status === "waiting") step.knockOffer(member.id, frame.payload.data.sdp);
    return;
  }
  if (member?.status !== "admitted" || member.connectionId !== connection.id) {
    step.error(
      connection.id,
      "not_in_room",
      frame.event_type === "knock_offer"
        ? "Only someone knocking can send an offer ahead."
        : "Only people admitted to the call can do that.",
      frame.event_type,
    );
    return;
  }
  onAdmitted(step, member, frame);
}

function newConnection(attachment: ConnectionAttachment, now: number): Connection {
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

function onRestore(step: Step, live: ConnectionAttachment[]): void {
  const { state, ctx } = step;
  state.connections = {};
  for (const attachment of live) {
    const connection = newConnection(attachment, ctx.now);
    state.connections[attachment.id] = connection;
    const member = attachment.participantId ? state.members[attachment.participantId] : undefined;
    // A socket whose participant has moved on (resumed elsewhere, or gone) belongs to nobody now.
    if (attachment.participantId !== null && member?.connectionId !== attachment.id)
      step.bind(connection, null);
  }
  for (const member of Object.values(state.members)) {
    if (member.connectionId === null) continue;
    if (state.connections[member.connectionId]?.participantId === member.id) continue;
    // The socket went away while the object was not running: the same as a drop now.
    drop(step, member.connectionId, member.id);
  }
  // Stored offers of knocks that are no longer waiting (gone while the object was not running).
  for (const id of Object.keys(state.knockOffers)) {
    if (state.members[id]?.status !== "waiting") step.knockOffer(id, null);
  }
}

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
  const s = new Step(mode === "copy" ? structuredClone(state) : state, ctx);
  switch (event.type) {
    case "open":
      s.state.connections[event.connectionId] = newConnection(
        { id: event.connectionId, identity: event.identity, participantId: null, openedAt: ctx.now },
        ctx.now,
      );
      break;
    case "frame": {
      const connection = s.state.connections[event.connectionId];
      if (connection) onFrame(s, connection, event.data, event.bytes);
      break;
    }
    case "close": {
      const connection = s.state.connections[event.connectionId];
      if (connection) drop(s, connection.id, connection.participantId);
      break;
    }
    case "tick":
      for (const member of Object.values(s.state.members)) {
        if (member.disconnectedAt === null || ctx.now < member.disconnectedAt + RESUME_GRACE_MS) continue;
        release(s, member, member.disconnectedAt, "disconnected");
        s.broadcast({
          event_type: "participant_left",
          payload: { participant_id: member.id, reason: "disconnected" satisfies LeaveReason },
        });
      }
      endSessionIfEmpty(s);
      // Coalesced knock offers whose turn has come.
      for (const id of Object.keys(s.state.offerStore.pending)) s.storeOffer(id);
      break;
    case "terminate":
      s.state.deleted = true;
      terminateAll(s, event.reason);
      break;
    case "restore":
      onRestore(s, event.connections);
      break;
  }
  return s.result();
}
