import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RESUME_GRACE_MS, type ServerEventType, WAITING_ROOM_CAPACITY } from "../../src/protocol/room";
import type { Member, StepResult } from "../../src/room/state";
import { RoomHarness } from "./support/room-harness";

/** Frames only admitted people may receive. */
const ADMITTED_ONLY: ReadonlySet<ServerEventType> = new Set([
  "offer",
  "answer",
  "ice_candidate",
  "chat_message_received",
  "emoji_received",
  "participant_updated",
  "new_participant",
  "participant_left",
]);
/** Frames only hosts may receive. */
const HOSTS_ONLY: ReadonlySet<ServerEventType> = new Set([
  "new_participant_request",
  "participant_request_cancelled",
]);

const CAPACITY = 4;
const NAMES = ["Ann", "Bob", "Cleo", "Dev", "Eve", "Hana"];

type Command =
  | { kind: "join"; role: "host" | "user" | "guest"; name: number }
  | { kind: "accept" | "decline" | "remove"; by: number; target: number }
  | { kind: "leave" | "drop" | "resume" | "chat" | "media" | "end"; who: number }
  | { kind: "bad"; who: number; data: string }
  | { kind: "signal"; who: number; target: number }
  | { kind: "wait"; ms: number };

const pick = fc.nat(50);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("join" as const),
      role: fc.constantFrom("host", "user", "guest"),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom("accept" as const, "decline" as const, "remove" as const),
      by: pick,
      target: pick,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        "leave" as const,
        "drop" as const,
        "resume" as const,
        "chat" as const,
        "media" as const,
      ),
      who: pick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("end" as const), who: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("bad" as const),
      who: pick,
      data: fc.oneof(fc.string(), fc.json(), fc.constant('{"event_type":"offer","payload":{}}')),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("signal" as const), who: pick, target: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      ms: fc.integer({ min: 0, max: 2 * RESUME_GRACE_MS }),
    }),
  },
);

function at<T>(list: T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

function apply(room: RoomHarness, c: Command): StepResult[] {
  const results: StepResult[] = [];
  const run = (fn: () => StepResult) => results.push(fn());
  const connections = Object.keys(room.state.connections);
  const members = Object.values(room.state.members);
  switch (c.kind) {
    case "join": {
      const connection = room.open(room.identity(NAMES[c.name] ?? "X", c.role));
      run(() => room.send(connection, { event_type: "join_room", payload: {} }));
      break;
    }
    case "accept":
    case "decline":
    case "remove": {
      const by = at(connections, c.by);
      const target = at(members, c.target);
      if (!by || !target) break;
      const event_type = `${c.kind}_participant` as const;
      run(() => room.send(by, { event_type, payload: { participant_id: target.id } }));
      break;
    }
    case "leave":
    case "chat":
    case "media":
    case "end": {
      const who = at(connections, c.who);
      if (!who) break;
      if (c.kind === "leave") run(() => room.send(who, { event_type: "leave_room", payload: {} }));
      if (c.kind === "chat")
        run(() => room.send(who, { event_type: "send_chat_message", payload: { text: "hi" } }));
      if (c.kind === "media")
        run(() => room.send(who, { event_type: "media_state", payload: { video: true } }));
      if (c.kind === "end") run(() => room.send(who, { event_type: "end_call", payload: {} }));
      break;
    }
    case "drop": {
      const who = at(connections, c.who);
      if (who) run(() => room.run({ type: "close", connectionId: who }));
      break;
    }
    case "resume": {
      const seat = at(
        members.filter((m) => m.status === "admitted"),
        c.who,
      );
      if (!seat) break;
      const connection = room.open({ ...room.identity(seat.name), sub: seat.sub, guest: seat.guest });
      run(() =>
        room.send(connection, { event_type: "join_room", payload: { resume_token: seat.resumeToken } }),
      );
      break;
    }
    case "bad": {
      const who = at(connections, c.who);
      if (who) run(() => room.send(who, c.data));
      break;
    }
    case "signal": {
      const who = at(connections, c.who);
      const target = at(members, c.target);
      if (who && target) {
        run(() =>
          room.send(who, {
            event_type: "offer",
            payload: { target_id: target.id, data: { type: "offer", sdp: "x" } },
          }),
        );
      }
      break;
    }
    case "wait":
      room.now += c.ms;
      run(() => room.run({ type: "tick" }));
      break;
  }
  return results;
}

function memberOn(room: RoomHarness, connectionId: string): Member | undefined {
  const participantId = room.state.connections[connectionId]?.participantId;
  return participantId ? room.state.members[participantId] : undefined;
}

function checkInvariants(room: RoomHarness, results: StepResult[]): void {
  for (const result of results) {
    for (const { to, frame } of result.messages) {
      const member = memberOn(room, to);
      if (ADMITTED_ONLY.has(frame.event_type)) {
        expect(member?.status, `${frame.event_type} sent to someone not admitted`).toBe("admitted");
      }
      if (HOSTS_ONLY.has(frame.event_type)) {
        expect(member?.role, `${frame.event_type} sent to a non-host`).toBe("host");
        expect(member?.status).toBe("admitted");
      }
    }
  }
  const { state } = room;
  for (const connection of Object.values(state.connections)) {
    if (connection.participantId === null) continue;
    expect(state.members[connection.participantId]?.connectionId).toBe(connection.id);
  }
  const admitted = Object.values(state.members).filter((m) => m.status === "admitted");
  const waiting = Object.values(state.members).filter((m) => m.status === "waiting");
  for (const member of Object.values(state.members)) {
    if (member.connectionId !== null) {
      expect(state.connections[member.connectionId]?.participantId).toBe(member.id);
      expect(member.disconnectedAt).toBeNull();
    } else {
      expect(member.status).toBe("admitted");
      expect(member.disconnectedAt).not.toBeNull();
    }
    if (member.status === "admitted") expect(member.peak).toBeGreaterThanOrEqual(1);
  }
  expect(admitted.length).toBeLessThanOrEqual(CAPACITY);
  expect(waiting.length).toBeLessThanOrEqual(WAITING_ROOM_CAPACITY);
  expect(state.sessionId === null).toBe(Object.keys(state.members).length === 0);
  // Every admitted person has a participant record and no log yet; nobody is recorded twice.
  const joined = new Map<string, number>();
  const left = new Map<string, number>();
  for (const record of room.records) {
    const counts = record.kind === "joined" ? joined : left;
    counts.set(record.stay.participant_id, (counts.get(record.stay.participant_id) ?? 0) + 1);
    if (record.kind === "left") expect(joined.has(record.stay.participant_id)).toBe(true);
  }
  for (const n of [...joined.values(), ...left.values()]) expect(n).toBe(1);
  for (const member of admitted) {
    expect(joined.get(member.id)).toBe(1);
    expect(left.has(member.id)).toBe(false);
  }
}

describe("the room under random sequences of joins, knocks, admits, leaves, drops and bad frames", () => {
  it("keeps its invariants after every step, and logs every admitted person exactly once in the end", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 80 }), (commands) => {
        const room = new RoomHarness(CAPACITY);
        for (const c of commands) checkInvariants(room, apply(room, c));
        // Everyone goes away and every kept seat runs out: each stay ends, and is logged, once.
        for (const connectionId of Object.keys(room.state.connections)) {
          room.run({ type: "close", connectionId });
        }
        room.now += RESUME_GRACE_MS;
        room.run({ type: "tick" });
        checkInvariants(room, []);
        expect(room.state.members).toEqual({});
        const joined = room.records.filter((r) => r.kind === "joined").map((r) => r.stay.participant_id);
        const left = room.records.filter((r) => r.kind === "left").map((r) => r.stay.participant_id);
        expect(left.sort()).toEqual(joined.sort());
        for (const record of room.records.filter((r) => r.kind === "left")) {
          expect(Date.parse(record.stay.left_at ?? "")).toBeGreaterThanOrEqual(
            Date.parse(record.stay.joined_at),
          );
          expect(record.stay.participant_count).toBeGreaterThanOrEqual(1);
          expect(record.stay.participant_count).toBeLessThanOrEqual(CAPACITY);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never lets a waiting person receive signalling, whatever they and others send", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const room = new RoomHarness(CAPACITY);
        room.join("Hana", "host");
        const knock = room.join("Wendy");
        for (const c of commands) {
          if (c.kind === "accept" || c.kind === "end" || (c.kind === "remove" && c.by === 0)) continue;
          apply(room, c);
        }
        const stillWaiting = room.state.members[knock.participantId]?.status === "waiting";
        if (stillWaiting) {
          const received = room.framesOf(knock.connection).map((f) => f.event_type);
          for (const type of received) expect(ADMITTED_ONLY.has(type) || HOSTS_ONLY.has(type)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
