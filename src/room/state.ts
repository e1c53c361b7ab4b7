import type { OutboxRecord, StayRecord } from "../domain/stay-record";
import type { CloseCode, Participant, Role, ServerFrame } from "../protocol/room";
import {
  KNOCK_OFFER_STORE_INTERVAL_MS,
  KNOCK_OFFER_STORES_PER_SECOND,
  RESUME_GRACE_MS,
} from "../protocol/room";
import type { TicketClaims } from "../protocol/ticket";

export type { OutboxRecord, StayRecord };

/** Who is on a socket: the verified ticket claims the Worker passed to the room. */
export type Identity = TicketClaims;

/** The call this room belongs to, learned from the first ticket (no database query). */
export interface CallInfo {
  id: string;
  link: string;
  title: string;
  hostUserId: string;
}

/** One person known to the room: knocking, admitted and connected, or admitted with a kept seat. */
export interface Member {
  id: string;
  /** Ticket subject: user id, or `guest:<uuid>`. */
  sub: string;
  userId: string | null;
  name: string;
  guest: boolean;
  role: Role;
  status: "waiting" | "admitted";
  audio: boolean;
  video: boolean;
  screen: boolean;
  handRaised: boolean;
  /** Epoch ms: admission (or the knock, while waiting). */
  joinedAt: number;
  /** The socket this person is on; null while the seat is kept after a drop. */
  connectionId: string | null;
  /** Epoch ms of the drop while the seat is kept; null when connected. */
  disconnectedAt: number | null;
  resumeToken: string;
  /** Most admitted people at once during this stay (the log's `participant_count`). */
  peak: number;
}

/** Per-socket bookkeeping. Only the `ConnectionAttachment` fields survive hibernation (attachment). */
export interface Connection {
  id: string;
  identity: Identity;
  participantId: string | null;
  /** Epoch ms the socket was accepted (heartbeat fallback when it never pinged). */
  openedAt: number;
  /** Token bucket for the per-socket rate limit. */
  tokens: number;
  refilledAt: number;
  /** Bad frames in a row (malformed, oversized, unknown, invalid, over the rate limit). */
  badInARow: number;
  /** When the socket was last told it is rate limited (told at most once a second). */
  rateNoticeAt: number;
}

/** What a socket's attachment holds so the room can be rebuilt after hibernation. */
export interface ConnectionAttachment {
  id: string;
  identity: Identity;
  participantId: string | null;
  openedAt: number;
}

/** The part of the room that is saved in the object's storage after every change. */
export interface PersistedRoom {
  call: CallInfo | null;
  /** One live session: from the first person in to the last person out. */
  sessionId: string | null;
  /** By participant id, in order of arrival. */
  members: Record<string, Member>;
  /** Set once the call is deleted: later sockets are told so and closed. */
  deleted: boolean;
}

/**
 * How knock offers reach storage: each on its own row (never with the room's state), at most once per
 * `KNOCK_OFFER_STORE_INTERVAL_MS` per knock and `KNOCK_OFFER_STORES_PER_SECOND` for the whole room. A newer
 * offer in between is held in memory and stored when its turn comes (the alarm wakes the room for it).
 */
export interface OfferStore {
  /** Knocks whose latest offer is newer than the stored one. */
  pending: Record<string, true>;
  /** When each knock's offer was last stored (0: stored before this instance started). */
  storedAt: Record<string, number>;
  /** The room's bucket of offer writes. */
  tokens: number;
  refilledAt: number;
}

export interface RoomState extends PersistedRoom {
  connections: Record<string, Connection>;
  /**
   * The latest offer each knock made while waiting (`knock_offer`, SDP), by participant id, for the first
   * person it will find in the call once admitted. Stored on rows of their own (see `OfferStore`): a host
   * often takes longer to admit than the room stays awake.
   */
  knockOffers: Record<string, string>;
  offerStore: OfferStore;
}

export interface Outgoing {
  to: string;
  frame: ServerFrame;
}

export type Effect =
  | { type: "close"; connectionId: string; code: CloseCode; reason: string }
  /** The socket's attachment must be saved again (it now belongs to another participant, or none). */
  | { type: "attach"; attachment: ConnectionAttachment }
  | { type: "record"; record: OutboxRecord }
  /** Store this knock's offer on its own row, replacing the one before; `sdp: null` deletes it. */
  | { type: "store_offer"; participantId: string; sdp: string | null }
  /** Something waits for later (a coalesced knock offer): the alarm must be set again (`nextOfferStore`). */
  | { type: "wake" };

export interface StepResult {
  state: RoomState;
  messages: Outgoing[];
  effects: Effect[];
  /** Whether the persisted part changed and must be saved. */
  dirty: boolean;
}

/** What the machine may not decide itself: time, randomness and configuration. */
export interface StepContext {
  now: number;
  /** A fresh unique id with the given prefix. */
  newId: (prefix: string) => string;
  /** A fresh unguessable resume token. */
  newToken: () => string;
  capacity: number;
  /**
   * Per-socket frame budget; omitted: the contract's 50/s with bursts of 100. `null` turns it off (only for
   * benchmarks that measure what one room can relay).
   */
  rateLimit?: { perSecond: number; burst: number } | null;
}

/** An empty room. */
export function createRoomState(): RoomState {
  return {
    call: null,
    sessionId: null,
    members: {},
    deleted: false,
    connections: {},
    knockOffers: {},
    offerStore: {
      pending: {},
      storedAt: {},
      tokens: KNOCK_OFFER_STORES_PER_SECOND,
      refilledAt: Number.NEGATIVE_INFINITY,
    },
  };
}

/** The room's persisted part (what is saved to storage). */
export function persistedPart(state: RoomState): PersistedRoom {
  return {
    call: state.call,
    sessionId: state.sessionId,
    members: state.members,
    deleted: state.deleted,
  };
}

/** A member as the wire shows it. */
export function toParticipant(member: Member): Participant {
  return {
    id: member.id,
    user_id: member.userId,
    name: member.name,
    guest: member.guest,
    role: member.role,
    audio: member.audio,
    video: member.video,
    screen: member.screen,
    hand_raised: member.handRaised,
    joined_at: new Date(member.joinedAt).toISOString(),
    connected: member.connectionId !== null,
  };
}

/** Epoch ms when the next kept seat runs out, or null when no seat is kept. */
export function nextSeatExpiry(state: RoomState): number | null {
  let next: number | null = null;
  for (const member of Object.values(state.members)) {
    if (member.disconnectedAt === null) continue;
    const expiry = member.disconnectedAt + RESUME_GRACE_MS;
    if (next === null || expiry < next) next = expiry;
  }
  return next;
}

/** Epoch ms when the next coalesced knock offer may be stored, or null when none waits. */
export function nextOfferStore(state: RoomState): number | null {
  const { pending, storedAt, tokens, refilledAt } = state.offerStore;
  let next: number | null = null;
  for (const id of Object.keys(pending)) {
    const at = (storedAt[id] ?? Number.NEGATIVE_INFINITY) + KNOCK_OFFER_STORE_INTERVAL_MS;
    if (next === null || at < next) next = at;
  }
  if (next === null) return null;
  const tokenAt = tokens >= 1 ? next : refilledAt + ((1 - tokens) * 1000) / KNOCK_OFFER_STORES_PER_SECOND;
  return Math.max(next, tokenAt);
}
