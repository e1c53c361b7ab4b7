import {
  type CloseCode,
  KNOCK_OFFER_STORE_INTERVAL_MS,
  KNOCK_OFFER_STORES_PER_SECOND,
  type RoomErrorCode,
  type ServerFrame,
} from "../protocol/room";
import type {
  Connection,
  Effect,
  Member,
  Outgoing,
  RoomState,
  StayRecord,
  StepContext,
  StepResult,
} from "./state";

/**
 * What one `step()` says and does, collected while the rules run: the frames to send, the effects to carry
 * out, and whether the persisted part changed. Every rule module receives it as `out`.
 */
export class Outcome {
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

/** Everyone admitted (connected or holding a seat), in order of arrival. */
export function admitted(state: RoomState): Member[] {
  return Object.values(state.members).filter((m) => m.status === "admitted");
}

/** Everyone knocking, in order of arrival. */
export function waiting(state: RoomState): Member[] {
  return Object.values(state.members).filter((m) => m.status === "waiting");
}

/** The member a connection speaks for, if that member is still on this connection. */
export function memberOn(state: RoomState, connection: Connection): Member | undefined {
  const member = connection.participantId ? state.members[connection.participantId] : undefined;
  return member?.connectionId === connection.id ? member : undefined;
}
