import { describe, expect, it } from "vitest";
import {
  CLOSE_CODES,
  type ClientFrame,
  KNOCK_OFFER_STORE_INTERVAL_MS,
  KNOCK_OFFER_STORES_PER_SECOND,
  MAX_KNOCK_OFFER_LENGTH,
  WAITING_ROOM_CAPACITY,
} from "../../src/protocol/room";
import { type Effect, nextOfferStore } from "../../src/room/state";
import { RoomHarness } from "./support/room-harness";

const offer = (sdp: string): ClientFrame => ({
  event_type: "knock_offer",
  payload: { data: { type: "offer", sdp } },
});
const stores = (effects: Effect[]) =>
  effects.filter((e): e is Extract<Effect, { type: "store_offer" }> => e.type === "store_offer");

describe("one knock per identity", () => {
  it("eight sockets of one guest ticket are one knock: the newest socket takes it over, hosts hear of it once", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const guest = room.identity("Mallory", "guest");
    const sockets: string[] = [];
    for (let i = 0; i < 8; i++) {
      const socket = room.open(guest);
      room.send(socket, { event_type: "join_room", payload: {} });
      sockets.push(socket);
    }
    const waiting = Object.values(room.state.members).filter((m) => m.status === "waiting");
    expect(waiting).toHaveLength(1);
    expect(room.got(host.connection, "new_participant_request")).toHaveLength(1);
    const knockId = waiting[0]?.id;
    // Every socket was told the same knock; all but the newest were closed as replaced.
    for (const socket of sockets) expect(room.lastOf(socket, "waiting_room")?.payload.self.id).toBe(knockId);
    for (const socket of sockets.slice(0, -1)) {
      expect(room.closed.get(socket)).toBe(CLOSE_CODES.replaced);
      expect(room.lastOf(socket, "error")?.payload.code).toBe("already_joined");
    }
    const newest = sockets.at(-1) ?? "";
    expect(room.closed.has(newest)).toBe(false);
    expect(room.got(host.connection, "participant_request_cancelled")).toEqual([]);
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: knockId ?? "" },
    });
    expect(room.lastOf(newest, "accepted_into_room")?.payload.self.id).toBe(knockId);
  });

  it("a signed-in account's second tab shares its knock too, while other people each get their own", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const first = room.join("Ann");
    const second = room.join("Ann");
    expect(second.participantId).toBe(first.participantId);
    expect(room.closed.get(first.connection)).toBe(CLOSE_CODES.replaced);
    const bob = room.join("Bob");
    expect(bob.participantId).not.toBe(first.participantId);
    expect(room.got(host.connection, "new_participant_request")).toHaveLength(2);
  });

  it("the waiting room holds 50 people, however many sockets each opens; a real guest still gets in line", () => {
    const room = new RoomHarness();
    room.join("Hana", "host");
    for (let person = 0; person < 7; person++) {
      const identity = room.identity(`Flooder ${person}`, "guest");
      for (let socket = 0; socket < 8; socket++)
        room.send(room.open(identity), { event_type: "join_room", payload: {} });
    }
    const guest = room.join("Real guest", "guest");
    expect(room.lastOf(guest.connection, "waiting_room")).toBeDefined();
    expect(room.closed.has(guest.connection)).toBe(false);
    expect(Object.values(room.state.members).filter((m) => m.status === "waiting")).toHaveLength(8);
    for (let i = 8; i < WAITING_ROOM_CAPACITY; i++) room.join(`Person ${i}`, "guest");
    const late = room.join("One too many", "guest");
    expect(room.lastOf(late.connection, "error")?.payload.code).toBe("room_full");
  });
});

describe("knock offers: stored on their own rows, coalesced, bounded", () => {
  it("a knock offer never rewrites the room's state: one small row, at most once a second per knock", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const bob = room.join("Bob", "guest");
    const effects: Effect[] = [];
    let dirty = 0;
    for (let i = 0; i < 60; i++) {
      const result = room.send(bob.connection, offer(`v=0 offer ${i}`));
      effects.push(...result.effects);
      if (result.dirty) dirty++;
    }
    expect(dirty).toBe(0);
    expect(stores(effects)).toEqual([
      { type: "store_offer", participantId: bob.participantId, sdp: "v=0 offer 0" },
    ]);
    // The newer ones wait: the alarm is asked for once, for when this knock's turn comes.
    expect(effects.filter((e) => e.type === "wake")).toHaveLength(1);
    expect(nextOfferStore(room.state)).toBe(room.now + KNOCK_OFFER_STORE_INTERVAL_MS);
    room.now += KNOCK_OFFER_STORE_INTERVAL_MS;
    const tick = room.run({ type: "tick" });
    expect(stores(tick.effects)).toEqual([
      { type: "store_offer", participantId: bob.participantId, sdp: "v=0 offer 59" },
    ]);
    expect(nextOfferStore(room.state)).toBeNull();
    // The latest is what is handed over on admission, and its row is deleted then.
    room.clear();
    const accept = room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: bob.participantId },
    });
    expect(room.lastOf(host.connection, "offer")?.payload.data.sdp).toBe("v=0 offer 59");
    expect(stores(accept.effects)).toEqual([
      { type: "store_offer", participantId: bob.participantId, sdp: null },
    ]);
  });

  it("the whole room stores at most KNOCK_OFFER_STORES_PER_SECOND offers a second, and every knock's latest gets its turn", () => {
    const room = new RoomHarness();
    room.join("Hana", "host");
    const knocks = Array.from({ length: 20 }, (_, i) => room.join(`Knock ${i}`, "guest"));
    const written = new Map<string, string>();
    let perSecondMax = 0;
    let total = 0;
    for (let second = 0; second < 10; second++) {
      let thisSecond = 0;
      for (const knock of knocks) {
        const result = room.send(knock.connection, offer(`sdp ${knock.participantId} @${second}`));
        for (const e of stores(result.effects)) {
          thisSecond++;
          written.set(e.participantId, e.sdp ?? "");
        }
      }
      for (let slice = 0; slice < 10; slice++) {
        room.now += 100;
        for (const e of stores(room.run({ type: "tick" }).effects)) {
          thisSecond++;
          written.set(e.participantId, e.sdp ?? "");
        }
      }
      perSecondMax = Math.max(perSecondMax, thisSecond);
      total += thisSecond;
    }
    // A bucket: a full burst plus one second's refill in the first second, the steady rate after that.
    expect(perSecondMax).toBeLessThanOrEqual(2 * KNOCK_OFFER_STORES_PER_SECOND);
    expect(total).toBeLessThanOrEqual(11 * KNOCK_OFFER_STORES_PER_SECOND);
    // Once the flood stops, the backlog drains: every knock's stored offer becomes its latest.
    for (let i = 0; i < 100 && nextOfferStore(room.state) !== null; i++) {
      room.now = Math.max(room.now, nextOfferStore(room.state) ?? room.now);
      for (const e of stores(room.run({ type: "tick" }).effects)) written.set(e.participantId, e.sdp ?? "");
    }
    expect(nextOfferStore(room.state)).toBeNull();
    for (const knock of knocks)
      expect(written.get(knock.participantId)).toBe(room.state.knockOffers[knock.participantId]);
  });

  it("the same offer again stores nothing; a withdrawn or taken-over knock's row is deleted", () => {
    const room = new RoomHarness();
    room.join("Hana", "host");
    const bob = room.join("Bob");
    expect(stores(room.send(bob.connection, offer("same")).effects)).toHaveLength(1);
    room.now += 5_000;
    expect(stores(room.send(bob.connection, offer("same")).effects)).toEqual([]);
    const again = room.open(room.identity("Bob"));
    const takeover = room.send(again, { event_type: "join_room", payload: {} });
    expect(stores(takeover.effects)).toEqual([
      { type: "store_offer", participantId: bob.participantId, sdp: null },
    ]);
    expect(room.state.knockOffers).toEqual({});
    room.send(again, offer("from the new tab"));
    const leave = room.send(again, { event_type: "leave_room", payload: {} });
    expect(stores(leave.effects)).toEqual([
      { type: "store_offer", participantId: bob.participantId, sdp: null },
    ]);
  });

  it("an offer is ASCII text of at most MAX_KNOCK_OFFER_LENGTH bytes", () => {
    const room = new RoomHarness();
    room.join("Hana", "host");
    const bob = room.join("Bob");
    room.send(bob.connection, offer("é".repeat(100)));
    expect(room.lastOf(bob.connection, "error")?.payload.code).toBe("invalid_message");
    room.send(bob.connection, offer("a".repeat(MAX_KNOCK_OFFER_LENGTH + 1)));
    expect(room.got(bob.connection, "error")).toHaveLength(2);
    expect(room.state.knockOffers).toEqual({});
  });
});
