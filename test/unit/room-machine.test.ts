import { describe, expect, it } from "vitest";
import {
  CLOSE_CODES,
  type ClientFrame,
  MAX_BAD_FRAMES_IN_A_ROW,
  MAX_FRAME_BYTES,
  RATE_LIMIT_BURST,
  RESUME_GRACE_MS,
  WAITING_ROOM_CAPACITY,
} from "../../src/protocol/room";
import { step } from "../../src/room/dispatch";
import { nextSeatExpiry } from "../../src/room/state";
import { RoomHarness } from "./support/room-harness";

describe("joining", () => {
  it("lets the host (ticket sub = call owner) straight in with a resume token", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const welcome = room.lastOf(host.connection, "host_joined_room");
    expect(welcome?.payload).toMatchObject({
      call_id: "0b0e7d4e-1f7a-4a43-9d1e-2d5d7a0c0001",
      self: { id: host.participantId, name: "Hana", role: "host", user_id: "host-user", guest: false },
      participants: [],
      waiting: [],
      resume_token: expect.any(String),
    });
  });

  it("puts everyone else in the waiting room and tells only hosts about the knock", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const guest = room.join("Gil", "guest");
    expect(room.lastOf(guest.connection, "waiting_room")?.payload.self).toMatchObject({
      name: "Gil",
      guest: true,
      user_id: null,
      role: "participant",
    });
    expect(room.lastOf(host.connection, "new_participant_request")?.payload.participant.id).toBe(
      guest.participantId,
    );
    expect(room.got(ann.connection, "new_participant_request")).toEqual([]);
  });

  it("takes the audio and video state from join_room", () => {
    const room = new RoomHarness();
    const host = room.open(room.identity("Hana", "host"));
    room.send(host, { event_type: "join_room", payload: { audio: true, video: false } });
    expect(room.lastOf(host, "host_joined_room")?.payload.self).toMatchObject({ audio: true, video: false });
  });

  it("answers a second join_room on the same socket with already_joined", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    room.send(host.connection, { event_type: "join_room", payload: {} });
    expect(room.lastOf(host.connection, "error")?.payload).toMatchObject({
      code: "already_joined",
      event_type: "join_room",
    });
  });

  it("makes two tabs of the same account two participants", () => {
    const room = new RoomHarness();
    const a = room.join("Hana", "host");
    const b = room.join("Hana", "host");
    expect(a.participantId).not.toBe(b.participantId);
    expect(room.lastOf(b.connection, "host_joined_room")?.payload.participants.map((p) => p.id)).toEqual([
      a.participantId,
    ]);
  });
});

describe("the waiting room", () => {
  it("shows a host who arrives late every knock, in the welcome and as replayed requests", () => {
    const room = new RoomHarness();
    const ann = room.join("Ann");
    const bob = room.join("Bob", "guest");
    const host = room.join("Hana", "host");
    const welcome = room.lastOf(host.connection, "host_joined_room");
    expect(welcome?.payload.waiting.map((p) => p.name)).toEqual(["Ann", "Bob"]);
    expect(room.got(host.connection, "new_participant_request").map((f) => f.payload.participant.id)).toEqual(
      [ann.participantId, bob.participantId],
    );
  });

  it("drops a knock from the host's list when the knocking person leaves or disconnects", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const ann = room.join("Ann");
    const bob = room.join("Bob");
    room.send(ann.connection, { event_type: "leave_room", payload: {} });
    expect(room.got(ann.connection, "left_room")).toHaveLength(1);
    expect(room.closed.get(ann.connection)).toBe(CLOSE_CODES.normal);
    room.run({ type: "close", connectionId: bob.connection });
    expect(
      room.got(host.connection, "participant_request_cancelled").map((f) => f.payload.participant_id),
    ).toEqual([ann.participantId, bob.participantId]);
    const late = room.join("Hana", "host");
    expect(room.lastOf(late.connection, "host_joined_room")?.payload.waiting).toEqual([]);
  });

  it("admits on accept_participant: the newcomer gets everyone to offer to, the room gets new_participant", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const [ann] = people;
    const bob = room.join("Bob");
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: bob.participantId },
    });
    const accepted = room.lastOf(bob.connection, "accepted_into_room");
    expect(accepted?.payload.self).toMatchObject({ id: bob.participantId, name: "Bob" });
    expect(accepted?.payload.participants.map((p) => p.name)).toEqual(["Hana", "Ann"]);
    expect(accepted?.payload.resume_token).toEqual(expect.any(String));
    expect(room.lastOf(ann?.connection ?? "", "new_participant")?.payload.participant.id).toBe(
      bob.participantId,
    );
    expect(room.lastOf(host.connection, "new_participant")?.payload.participant.id).toBe(bob.participantId);
    expect(room.got(bob.connection, "new_participant")).toEqual([]);
    expect(room.lastOf(host.connection, "participant_request_cancelled")?.payload.participant_id).toBe(
      bob.participantId,
    );
  });

  it("holds the latest knock offer, shows it to nobody, and hands it to the first person listed on admission", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const [ann] = people;
    const bob = room.join("Bob");
    const offer = (sdp: string): ClientFrame => ({
      event_type: "knock_offer",
      payload: { data: { type: "offer", sdp } },
    });
    room.send(bob.connection, offer("first"));
    room.send(bob.connection, offer("latest"));
    expect(room.got(host.connection, "offer")).toEqual([]);
    expect(room.got(bob.connection, "error")).toEqual([]);
    room.clear();
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: bob.participantId },
    });
    expect(room.lastOf(bob.connection, "accepted_into_room")?.payload.offer_sent_to).toBe(host.participantId);
    expect(room.framesOf(host.connection).map((f) => f.event_type)).toEqual([
      "new_participant",
      "offer",
      "participant_request_cancelled",
    ]);
    expect(room.lastOf(host.connection, "offer")?.payload).toEqual({
      sender_id: bob.participantId,
      data: { type: "offer", sdp: "latest" },
    });
    expect(room.got(ann?.connection ?? "", "offer")).toEqual([]);
    // Handed over once: a knock offer after admission is dropped without a reply.
    room.send(bob.connection, offer("late"));
    expect(room.got(host.connection, "offer")).toHaveLength(1);
    expect(room.got(bob.connection, "error")).toEqual([]);
  });

  it("declines with the host's reason and closes the socket with 4003", () => {
    const room = new RoomHarness();
    const host = room.join("Hana", "host");
    const ann = room.join("Ann");
    room.send(host.connection, {
      event_type: "decline_participant",
      payload: { participant_id: ann.participantId, reason: "Private meeting" },
    });
    expect(room.lastOf(ann.connection, "declined_from_room")?.payload).toEqual({ reason: "Private meeting" });
    expect(room.closed.get(ann.connection)).toBe(CLOSE_CODES.removed);
    expect(room.state.members[ann.participantId]).toBeUndefined();
  });

  it("refuses accepting past the room's capacity with room_full and keeps the knock", () => {
    const room = new RoomHarness(2);
    const { host } = room.room("Ann");
    const bob = room.join("Bob");
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: bob.participantId },
    });
    expect(room.lastOf(host.connection, "error")?.payload.code).toBe("room_full");
    expect(room.state.members[bob.participantId]?.status).toBe("waiting");
  });

  it("closes a knock past the waiting room's capacity with room_full (4009)", () => {
    const room = new RoomHarness();
    for (let i = 0; i < WAITING_ROOM_CAPACITY; i++) room.join(`P${i}`);
    const late = room.join("Late");
    expect(room.lastOf(late.connection, "error")?.payload.code).toBe("room_full");
    expect(room.closed.get(late.connection)).toBe(CLOSE_CODES.room_full);
  });
});

describe("host-only actions", () => {
  it("answers accept, decline, remove and end_call from a non-host with not_host and changes nothing", () => {
    const room = new RoomHarness();
    const { people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const bob = room.join("Bob");
    const before = room.state.members;
    const frames: ClientFrame[] = [
      { event_type: "accept_participant", payload: { participant_id: bob.participantId } },
      { event_type: "decline_participant", payload: { participant_id: bob.participantId } },
      { event_type: "remove_participant", payload: { participant_id: bob.participantId } },
      { event_type: "end_call", payload: {} },
    ];
    for (const frame of frames) {
      room.send(ann.connection, frame);
      expect(room.lastOf(ann.connection, "error")?.payload).toMatchObject({
        code: "not_host",
        event_type: frame.event_type,
      });
    }
    expect(room.state.members).toEqual(before);
    expect(room.got(bob.connection, "accepted_into_room")).toEqual([]);
  });

  it("removes someone: they get removed_from_room and 4003, the room gets participant_left removed", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann", "Bob");
    const [ann, bob] = people;
    if (!ann || !bob) throw new Error("missing people");
    room.send(host.connection, {
      event_type: "remove_participant",
      payload: { participant_id: ann.participantId },
    });
    expect(room.got(ann.connection, "removed_from_room")).toHaveLength(1);
    expect(room.closed.get(ann.connection)).toBe(CLOSE_CODES.removed);
    expect(room.lastOf(bob.connection, "participant_left")?.payload).toEqual({
      participant_id: ann.participantId,
      reason: "removed",
    });
    expect(room.records.filter((r) => r.kind === "left").map((r) => r.stay.leave_reason)).toEqual([
      "removed",
    ]);
  });

  it("answers unknown ids and removing yourself with unknown_participant", () => {
    const room = new RoomHarness();
    const { host } = room.room("Ann");
    room.send(host.connection, { event_type: "accept_participant", payload: { participant_id: "p_nobody" } });
    expect(room.lastOf(host.connection, "error")?.payload.code).toBe("unknown_participant");
    room.send(host.connection, {
      event_type: "remove_participant",
      payload: { participant_id: host.participantId },
    });
    expect(room.got(host.connection, "error").map((f) => f.payload.code)).toEqual([
      "unknown_participant",
      "unknown_participant",
    ]);
  });

  it("ends the call for everyone with call_terminated ended_by_host and 4004, knocks included", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const bob = room.join("Bob");
    room.send(host.connection, { event_type: "end_call", payload: {} });
    for (const c of [host.connection, ann.connection, bob.connection]) {
      expect(room.lastOf(c, "call_terminated")?.payload).toEqual({
        reason: "ended_by_host",
        message: expect.any(String),
      });
      expect(room.closed.get(c)).toBe(CLOSE_CODES.terminated);
    }
    expect(room.state.members).toEqual({});
    expect(room.state.sessionId).toBeNull();
    expect(room.records.filter((r) => r.kind === "left")).toHaveLength(2);
  });

  it("after the call is deleted, tells later joiners call_terminated call_deleted and closes them", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    room.run({ type: "terminate", reason: "call_deleted" });
    expect(room.lastOf(host.connection, "call_terminated")?.payload.reason).toBe("call_deleted");
    const late = room.join("Ann");
    expect(room.lastOf(late.connection, "call_terminated")?.payload.reason).toBe("call_deleted");
    expect(room.closed.get(late.connection)).toBe(CLOSE_CODES.terminated);
  });

  it("keeps the call going when the host leaves", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann", "Bob");
    const [ann, bob] = people;
    if (!ann || !bob) throw new Error("missing people");
    room.send(host.connection, { event_type: "leave_room", payload: {} });
    expect(room.lastOf(ann.connection, "participant_left")?.payload).toEqual({
      participant_id: host.participantId,
      reason: "left",
    });
    room.send(ann.connection, { event_type: "send_chat_message", payload: { text: "still here" } });
    expect(room.lastOf(bob.connection, "chat_message_received")?.payload.text).toBe("still here");
  });
});

describe("signalling and room events", () => {
  it("relays offer, answer and batched ice candidates to the target only, with the sender's id", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann", "Bob");
    const [ann, bob] = people;
    if (!ann || !bob) throw new Error("missing people");
    room.send(bob.connection, {
      event_type: "offer",
      payload: { target_id: ann.participantId, data: { type: "offer", sdp: "v=0 offer" } },
    });
    room.send(ann.connection, {
      event_type: "answer",
      payload: { target_id: bob.participantId, data: { type: "answer", sdp: "v=0 answer" } },
    });
    const batch = [
      { candidate: "candidate:1 1 udp 1 10.0.0.1 1 typ host", sdpMid: "0", sdpMLineIndex: 0 },
      { candidate: "candidate:2 1 udp 1 10.0.0.2 2 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    ];
    room.send(bob.connection, {
      event_type: "ice_candidate",
      payload: { target_id: ann.participantId, data: batch },
    });
    room.send(bob.connection, {
      event_type: "ice_candidate",
      payload: { target_id: ann.participantId, data: null },
    });
    expect(room.lastOf(ann.connection, "offer")?.payload).toEqual({
      sender_id: bob.participantId,
      data: { type: "offer", sdp: "v=0 offer" },
    });
    expect(room.lastOf(bob.connection, "answer")?.payload.sender_id).toBe(ann.participantId);
    expect(room.got(ann.connection, "ice_candidate").map((f) => f.payload.data)).toEqual([batch, null]);
    expect(room.got(host.connection, "offer")).toEqual([]);
    expect(room.got(host.connection, "ice_candidate")).toEqual([]);
  });

  it("refuses signalling from a waiting person with not_in_room and relays nothing", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    const ann = room.join("Ann");
    room.send(ann.connection, {
      event_type: "offer",
      payload: { target_id: host.participantId, data: { type: "offer", sdp: "x" } },
    });
    room.send(ann.connection, { event_type: "send_chat_message", payload: { text: "let me in" } });
    room.send(ann.connection, { event_type: "media_state", payload: { audio: true } });
    expect(room.got(ann.connection, "error").map((f) => f.payload.code)).toEqual([
      "not_in_room",
      "not_in_room",
      "not_in_room",
    ]);
    expect(room.got(host.connection, "offer")).toEqual([]);
    expect(room.got(host.connection, "chat_message_received")).toEqual([]);
  });

  it("refuses signalling to a waiting person, to yourself or to nobody with unknown_participant", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    const ann = room.join("Ann");
    for (const target of [ann.participantId, host.participantId, "p_nobody"]) {
      room.send(host.connection, {
        event_type: "offer",
        payload: { target_id: target, data: { type: "offer" } },
      });
    }
    expect(room.got(host.connection, "error").map((f) => f.payload.code)).toEqual([
      "unknown_participant",
      "unknown_participant",
      "unknown_participant",
    ]);
    expect(room.got(ann.connection, "offer")).toEqual([]);
  });

  it("broadcasts media state and raised hands as participant_updated", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    room.send(ann.connection, { event_type: "media_state", payload: { audio: true, screen: true } });
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant).toMatchObject({
      id: ann.participantId,
      audio: true,
      video: false,
      screen: true,
      hand_raised: false,
    });
    room.send(ann.connection, { event_type: "raise_hand", payload: { raised: true } });
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant.hand_raised).toBe(true);
    expect(room.lastOf(ann.connection, "participant_updated")?.payload.participant.hand_raised).toBe(true);
  });

  it("sends chat to the whole room, sender included, with an id, the sender's name and server time", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const bob = room.join("Bob");
    room.send(ann.connection, { event_type: "send_chat_message", payload: { text: "Hello 👋" } });
    const expected = {
      id: expect.any(String),
      sender_id: ann.participantId,
      sender_name: "Ann",
      text: "Hello 👋",
      sent_at: new Date(room.now).toISOString(),
    };
    expect(room.lastOf(host.connection, "chat_message_received")?.payload).toEqual(expected);
    expect(room.lastOf(ann.connection, "chat_message_received")?.payload).toEqual(expected);
    expect(room.got(bob.connection, "chat_message_received")).toEqual([]);
  });

  it("refuses chat that is empty, blank or longer than 2000 characters", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    for (const text of ["", "   ", "x".repeat(2001)]) {
      room.send(host.connection, { event_type: "send_chat_message", payload: { text } });
    }
    expect(room.got(host.connection, "error").map((f) => f.payload.code)).toEqual([
      "invalid_message",
      "invalid_message",
      "invalid_message",
    ]);
    room.send(host.connection, { event_type: "send_chat_message", payload: { text: "x".repeat(2000) } });
    expect(room.got(host.connection, "chat_message_received")).toHaveLength(1);
  });

  it("sends one emoji to the room and refuses text posing as an emoji", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    room.send(ann.connection, { event_type: "send_emoji", payload: { emoji: "👍🏽" } });
    expect(room.lastOf(host.connection, "emoji_received")?.payload).toEqual({
      sender_id: ann.participantId,
      emoji: "👍🏽",
    });
    room.send(ann.connection, { event_type: "send_emoji", payload: { emoji: "lol" } });
    expect(room.lastOf(ann.connection, "error")?.payload).toMatchObject({
      code: "invalid_message",
      event_type: "send_emoji",
    });
  });

  it("answers a ping that reached the room (not byte-exact) with pong", () => {
    const room = new RoomHarness();
    const c = room.open(room.identity("Ann"));
    room.send(c, '{ "event_type": "ping", "payload": {} }');
    expect(room.framesOf(c)).toEqual([{ event_type: "pong", payload: {} }]);
  });
});

describe("bad frames", () => {
  it("answers each kind of bad frame with the matching error and keeps the socket open", () => {
    const room = new RoomHarness();
    const c = room.open(room.identity("Ann"));
    room.send(c, "not json");
    room.send(c, "[1,2]");
    room.send(c, '{"event_type":"dance","payload":{}}');
    room.send(c, '{"event_type":"send_chat_message","payload":{"text":42}}');
    room.send(c, '{"event_type":"offer"}');
    room.run({ type: "frame", connectionId: c, data: null, bytes: 4 });
    room.run({ type: "frame", connectionId: c, data: "x".repeat(10), bytes: MAX_FRAME_BYTES + 1 });
    expect(room.got(c, "error").map((f) => [f.payload.code, f.payload.event_type])).toEqual([
      ["invalid_message", undefined],
      ["invalid_message", undefined],
      ["unknown_event", "dance"],
      ["invalid_message", "send_chat_message"],
      ["invalid_message", "offer"],
      ["invalid_message", undefined],
      ["payload_too_large", undefined],
    ]);
    expect(room.closed.has(c)).toBe(false);
  });

  it(`closes a socket with 4008 after ${MAX_BAD_FRAMES_IN_A_ROW} bad frames in a row; a good frame resets the count`, () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    for (let i = 0; i < MAX_BAD_FRAMES_IN_A_ROW - 1; i++) room.send(ann.connection, "garbage");
    room.send(ann.connection, { event_type: "raise_hand", payload: { raised: true } });
    for (let i = 0; i < MAX_BAD_FRAMES_IN_A_ROW - 1; i++) room.send(ann.connection, "garbage");
    expect(room.closed.has(ann.connection)).toBe(false);
    room.send(ann.connection, "garbage");
    expect(room.closed.get(ann.connection)).toBe(CLOSE_CODES.protocol_violation);
    // The seat is kept as for any drop, so a buggy client can come back.
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant).toMatchObject({
      id: ann.participantId,
      connected: false,
    });
  });

  it("rate-limits a socket past its burst, tells it once, and lets it talk again after a second", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    for (let i = 0; i < 110; i++) {
      room.send(host.connection, { event_type: "raise_hand", payload: { raised: i % 2 === 0 } });
      if (room.closed.has(host.connection)) break;
    }
    const limited = room.got(host.connection, "error").filter((f) => f.payload.code === "rate_limited");
    expect(limited).toHaveLength(1);
    // The burst covers join_room and the first 99 hands.
    expect(room.got(host.connection, "participant_updated")).toHaveLength(RATE_LIMIT_BURST - 1);
    room.now += 1000;
    room.send(host.connection, { event_type: "raise_hand", payload: { raised: true } });
    expect(room.got(host.connection, "participant_updated")).toHaveLength(RATE_LIMIT_BURST);
  });

  it("follows a configured limit, and relays everything when the limit is off (benchmarks)", () => {
    const limited = new RoomHarness();
    limited.rateLimit = { perSecond: 5, burst: 10 };
    const a = limited.room().host;
    for (let i = 0; i < 20; i++)
      limited.send(a.connection, { event_type: "raise_hand", payload: { raised: i % 2 === 0 } });
    expect(limited.got(a.connection, "participant_updated")).toHaveLength(9);

    const unlimited = new RoomHarness();
    unlimited.rateLimit = null;
    const b = unlimited.room().host;
    for (let i = 0; i < 1000; i++)
      unlimited.send(b.connection, { event_type: "raise_hand", payload: { raised: i % 2 === 0 } });
    expect(unlimited.got(b.connection, "participant_updated")).toHaveLength(1000);
    expect(unlimited.got(b.connection, "error")).toHaveLength(0);
  });
});

describe("resume", () => {
  it("keeps a dropped seat, shows it as not connected, and puts the same participant back on resume", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const token = room.lastOf(ann.connection, "accepted_into_room")?.payload.resume_token ?? "";
    room.run({ type: "close", connectionId: ann.connection });
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant).toMatchObject({
      id: ann.participantId,
      connected: false,
    });
    expect(nextSeatExpiry(room.state)).toBe(room.now + RESUME_GRACE_MS);
    room.now += RESUME_GRACE_MS - 1;
    room.run({ type: "tick" });
    const back = room.join("Ann", "user", { resume_token: token });
    const accepted = room.lastOf(back.connection, "accepted_into_room");
    expect(accepted?.payload.self).toMatchObject({ id: ann.participantId, connected: true });
    expect(room.got(back.connection, "waiting_room")).toEqual([]);
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant.connected).toBe(true);
    expect(room.got(host.connection, "participant_left")).toEqual([]);
    expect(room.records.filter((r) => r.kind === "left")).toEqual([]);
  });

  it("ends a seat after the grace with participant_left disconnected and logs the stay up to the drop", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const token = room.lastOf(ann.connection, "accepted_into_room")?.payload.resume_token ?? "";
    room.now += 60_000;
    const droppedAt = room.now;
    room.run({ type: "close", connectionId: ann.connection });
    room.now += RESUME_GRACE_MS;
    room.run({ type: "tick" });
    expect(room.lastOf(host.connection, "participant_left")?.payload).toEqual({
      participant_id: ann.participantId,
      reason: "disconnected",
    });
    const left = room.records.find((r) => r.kind === "left");
    expect(left?.stay).toMatchObject({
      participant_id: ann.participantId,
      left_at: new Date(droppedAt).toISOString(),
      leave_reason: "disconnected",
    });
    const late = room.join("Ann", "user", { resume_token: token });
    expect(room.got(late.connection, "waiting_room")).toHaveLength(1);
  });

  it("does not resume with someone else's token", () => {
    const room = new RoomHarness();
    const { people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const token = room.lastOf(ann.connection, "accepted_into_room")?.payload.resume_token ?? "";
    room.run({ type: "close", connectionId: ann.connection });
    const mallory = room.join("Mallory", "user", { resume_token: token });
    expect(room.got(mallory.connection, "waiting_room")).toHaveLength(1);
  });

  it("lets a guest resume with a new guest ticket (guests get a new id per ticket), keeping the name", () => {
    const room = new RoomHarness();
    const { host } = room.room();
    const gil = room.join("Gil", "guest");
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: gil.participantId },
    });
    const token = room.lastOf(gil.connection, "accepted_into_room")?.payload.resume_token ?? "";
    room.run({ type: "close", connectionId: gil.connection });
    const again = room.open(room.identity("Gil", "guest", "guest:another-uuid"));
    room.send(again, { event_type: "join_room", payload: { resume_token: token } });
    expect(room.lastOf(again, "accepted_into_room")?.payload.self).toMatchObject({
      id: gil.participantId,
      guest: true,
    });
  });

  it("moves a resumed participant off an old socket that is still open (closed with 4001)", () => {
    const room = new RoomHarness();
    const { people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const token = room.lastOf(ann.connection, "accepted_into_room")?.payload.resume_token ?? "";
    const again = room.join("Ann", "user", { resume_token: token });
    expect(room.closed.get(ann.connection)).toBe(CLOSE_CODES.replaced);
    expect(room.lastOf(again.connection, "accepted_into_room")?.payload.self.id).toBe(ann.participantId);
  });

  it("after a restart, turns members whose socket is gone into kept seats and keeps the live ones", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const live = room.state.connections[host.connection];
    if (!live) throw new Error("no host connection");
    room.run({
      type: "restore",
      connections: [
        { id: live.id, identity: live.identity, participantId: live.participantId, openedAt: live.openedAt },
      ],
    });
    expect(room.state.members[ann.participantId]).toMatchObject({
      connectionId: null,
      disconnectedAt: room.now,
    });
    expect(room.state.members[host.participantId]?.connectionId).toBe(host.connection);
    expect(room.lastOf(host.connection, "participant_updated")?.payload.participant).toMatchObject({
      id: ann.participantId,
      connected: false,
    });
  });
  it("after a restore, a socket whose participant resumed elsewhere belongs to nobody", () => {
    const room = new RoomHarness();
    const { people } = room.room("Ann");
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const old = room.state.connections[ann.connection];
    const token = room.lastOf(ann.connection, "accepted_into_room")?.payload.resume_token ?? "";
    const again = room.join("Ann", "user", { resume_token: token });
    const now = room.state.connections[again.connection];
    if (!old || !now) throw new Error("missing connections");
    // The old socket's close has not been seen yet when the object restarts.
    room.run({
      type: "restore",
      connections: [old, now].map((c) => ({
        id: c.id,
        identity: c.identity,
        participantId: ann.participantId,
        openedAt: c.openedAt,
      })),
    });
    expect(room.state.connections[old.id]?.participantId).toBeNull();
    expect(room.last?.effects).toContainEqual({
      type: "attach",
      attachment: expect.objectContaining({ id: old.id, participantId: null }),
    });
    room.send(old.id, { event_type: "send_chat_message", payload: { text: "ghost" } });
    expect(room.lastOf(old.id, "error")?.payload.code).toBe("not_in_room");
    expect(room.state.members[ann.participantId]?.connectionId).toBe(again.connection);
  });
});

describe("sessions and logs", () => {
  it("records each stay once with the most people present during it", () => {
    const room = new RoomHarness();
    const { host, people } = room.room("Ann", "Bob");
    const [ann, bob] = people;
    if (!ann || !bob) throw new Error("missing people");
    room.send(ann.connection, { event_type: "leave_room", payload: {} });
    room.send(bob.connection, { event_type: "leave_room", payload: {} });
    const carl = room.join("Carl");
    room.send(host.connection, {
      event_type: "accept_participant",
      payload: { participant_id: carl.participantId },
    });
    room.now += 5_000;
    room.send(host.connection, { event_type: "leave_room", payload: {} });
    room.send(carl.connection, { event_type: "leave_room", payload: {} });
    const left = room.records
      .filter((r) => r.kind === "left")
      .map((r) => [r.stay.display_name, r.stay.participant_count]);
    expect(left).toEqual([
      ["Ann", 3],
      ["Bob", 3],
      ["Hana", 3],
      ["Carl", 2],
    ]);
    expect(room.records.filter((r) => r.kind === "joined")).toHaveLength(4);
    expect(room.state.sessionId).toBeNull();
  });

  it("starts a new session after the last person leaves", () => {
    const room = new RoomHarness();
    const first = room.join("Hana", "host");
    const firstSession = room.state.sessionId;
    room.send(first.connection, { event_type: "leave_room", payload: {} });
    room.join("Hana", "host");
    expect(room.state.sessionId).not.toBeNull();
    expect(room.state.sessionId).not.toBe(firstSession);
  });

  it("leaves the input state untouched (a pure step)", () => {
    const room = new RoomHarness();
    room.room("Ann");
    const before = structuredClone(room.state);
    step(
      room.state,
      { type: "terminate", reason: "call_deleted" },
      { now: room.now, capacity: 12, newId: (p) => `${p}_x`, newToken: () => "t" },
    );
    expect(room.state).toEqual(before);
  });
});

describe("in-place stepping (how CallRoom drives the machine)", () => {
  it("says and does exactly what copying steps do, and copying steps leave their input alone", () => {
    const script = (room: RoomHarness) => {
      const { host, people } = room.room("Ann", "Bo");
      const [ann, bo] = people;
      if (!ann || !bo) throw new Error("no people");
      room.send(ann.connection, {
        event_type: "offer",
        payload: { target_id: bo.participantId, data: { type: "offer", sdp: "v=0" } },
      });
      room.send(bo.connection, { event_type: "send_chat_message", payload: { text: "hi" } });
      room.send(host.connection, { event_type: "raise_hand", payload: { raised: true } });
      room.send(bo.connection, "garbage");
      room.run({ type: "close", connectionId: ann.connection });
      room.now += 60_000;
      room.run({ type: "tick" });
      return room;
    };
    const copied = new RoomHarness();
    const inPlace = new RoomHarness();
    inPlace.mode = "in-place";
    script(copied);
    script(inPlace);
    expect(inPlace.state).toEqual(copied.state);
    expect([...inPlace.inbox]).toEqual([...copied.inbox]);
    expect(inPlace.records).toEqual(copied.records);

    const input = copied.state;
    const before = structuredClone(input);
    const result = step(
      input,
      { type: "tick" },
      { now: copied.now + 1, capacity: 12, newId: (p) => p, newToken: () => "t" },
    );
    expect(input).toEqual(before);
    expect(result.state).not.toBe(input);
  });
});
