import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeClientFrame, isSendable, isServerFrame, parseServerFrame } from "../../client/src/rtc/frames";
import {
  type ClientFrame,
  clientFrameSchema,
  MAX_CANDIDATES_PER_FRAME,
  MAX_CHAT_LENGTH,
  MAX_KNOCK_OFFER_LENGTH,
  type Participant,
  type ServerEventType,
  type ServerFrame,
  serverFrameSchema,
} from "../../src/protocol/room";
import { hostileValue } from "../workers/support/fuzz-inputs";

// The browser client checks room frames with small guards instead of shipping zod; these tests hold the
// guards to the room's zod schemas: same verdict on every field the client reads, never stricter.
// The generated cases take well under a second; the long timeouts are for a heavily loaded machine.

const ann: Participant = {
  id: "p-ann",
  user_id: "u-ann",
  name: "Ann",
  guest: false,
  role: "host",
  audio: true,
  video: false,
  screen: false,
  hand_raised: false,
  joined_at: "2026-11-25T03:00:00.000Z",
  connected: true,
};
const gil: Participant = {
  ...ann,
  id: "p-gil",
  user_id: null,
  name: "Gil",
  guest: true,
  role: "participant",
};
const candidate = { candidate: "candidate:1 1 udp 1 10.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 };

/** One valid frame of every event the room sends (a missing event does not compile). */
const VALID: Record<ServerEventType, ServerFrame["payload"]> = {
  host_joined_room: { call_id: "c1", self: ann, participants: [gil], waiting: [], resume_token: "r1" },
  waiting_room: { call_id: "c1", self: gil },
  new_participant_request: { participant: gil },
  participant_request_cancelled: { participant_id: "p-gil" },
  accepted_into_room: { call_id: "c1", self: gil, participants: [ann], resume_token: "r2" },
  declined_from_room: { reason: "Not today" },
  removed_from_room: {},
  new_participant: { participant: gil },
  participant_updated: { participant: { ...gil, hand_raised: true, connected: false } },
  participant_left: { participant_id: "p-gil", reason: "left" },
  offer: { sender_id: "p-ann", data: { type: "offer", sdp: "v=0" } },
  answer: { sender_id: "p-gil", data: { type: "answer", sdp: "v=0" } },
  ice_candidate: { sender_id: "p-ann", data: [candidate, { candidate: "", sdpMLineIndex: null }] },
  chat_message_received: { id: "m1", sender_id: "p-ann", sender_name: "Ann", text: "hi", sent_at: "now" },
  emoji_received: { sender_id: "p-ann", emoji: "🎉" },
  left_room: {},
  call_terminated: { reason: "call_deleted", message: "The host deleted this call." },
  error: { code: "not_host", message: "Only the host can do that.", event_type: "end_call" },
  pong: {},
};
const validFrames = Object.entries(VALID).map(([event_type, payload]) => ({ event_type, payload }));

const zodAccepts = (frame: unknown) => serverFrameSchema.safeParse(frame).success;
const frame = (event_type: string, payload: unknown) => ({ event_type, payload });

describe("frames from the room, checked without zod", () => {
  it("accepts every valid frame the room sends, as the room's schema does", () => {
    for (const valid of [
      ...validFrames,
      frame("declined_from_room", {}),
      frame("ice_candidate", { sender_id: "p-ann", data: null }),
      frame("ice_candidate", { sender_id: "p-ann", data: candidate }),
      frame("offer", { sender_id: "p-ann", data: { type: "rollback" } }),
    ]) {
      expect(zodAccepts(valid), JSON.stringify(valid)).toBe(true);
      expect(isServerFrame(valid), JSON.stringify(valid)).toBe(true);
    }
  });

  it("refuses what the schema refuses in every field the client reads", () => {
    const { connected: _, ...withoutConnected } = gil;
    for (const bad of [
      null,
      [],
      "pong",
      { event_type: "pong" },
      frame("pong", null),
      frame("pong", []),
      frame("nope", {}),
      frame("__proto__", {}),
      frame("toString", {}),
      frame("constructor", {}),
      { ...frame("pong", {}), event_type: 1 },
      frame("host_joined_room", { ...VALID.host_joined_room, self: withoutConnected }),
      frame("host_joined_room", { ...VALID.host_joined_room, participants: [gil, null] }),
      frame("host_joined_room", { ...VALID.host_joined_room, waiting: {} }),
      frame("accepted_into_room", { ...VALID.accepted_into_room, resume_token: 7 }),
      frame("accepted_into_room", { ...VALID.accepted_into_room, offer_sent_to: 7 }),
      frame("waiting_room", { call_id: "c1", self: { ...gil, role: "admin" } }),
      frame("new_participant", { participant: { ...gil, audio: "yes" } }),
      frame("participant_updated", { participant: { ...gil, name: null } }),
      frame("participant_left", {}),
      frame("participant_request_cancelled", { participant_id: 5 }),
      frame("declined_from_room", { reason: 5 }),
      frame("offer", { sender_id: "p-ann", data: { type: "hello", sdp: "v=0" } }),
      frame("answer", { sender_id: "p-ann", data: { type: "answer", sdp: 0 } }),
      frame("answer", { data: { type: "answer" } }),
      frame("ice_candidate", { sender_id: "p-ann", data: { sdpMLineIndex: -1 } }),
      frame("ice_candidate", { sender_id: "p-ann", data: { sdpMLineIndex: 0.5 } }),
      frame("ice_candidate", { sender_id: "p-ann", data: [candidate, "candidate"] }),
      frame("ice_candidate", { sender_id: "p-ann" }),
      frame("chat_message_received", { ...VALID.chat_message_received, text: ["hi"] }),
      frame("emoji_received", { sender_id: "p-ann" }),
      frame("call_terminated", { reason: "bored", message: "" }),
      frame("error", { code: "constructor", message: "" }),
      frame("error", { code: "__proto__", message: "" }),
    ]) {
      expect(zodAccepts(bad), JSON.stringify(bad)).toBe(false);
      expect(isServerFrame(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("leaves alone the fields the client never reads", () => {
    for (const lenient of [
      frame("new_participant", { participant: { ...gil, user_id: 7, joined_at: undefined } }),
      frame("participant_left", { participant_id: "p-gil", reason: "vanished" }),
      frame("call_terminated", { reason: "ended_by_host" }),
      frame("error", { code: "rate_limited", message: 1, event_type: 2 }),
    ]) {
      expect(zodAccepts(lenient), JSON.stringify(lenient)).toBe(false);
      expect(isServerFrame(lenient), JSON.stringify(lenient)).toBe(true);
    }
  });

  it("returns null for text that is not a known, well-formed frame, without throwing", () => {
    for (const text of ["", "not json", "null", "[]", '"pong"', "{", '{"event_type":"pong"}']) {
      expect(parseServerFrame(text)).toBeNull();
    }
    expect(parseServerFrame('{"event_type":"pong","payload":{}}')).toEqual({
      event_type: "pong",
      payload: {},
    });
  });

  it("agrees with the schema when one field of a valid frame is broken or dropped", () => {
    // Paths into payloads whose values the client never reads: there the guard may accept what zod refuses.
    const unread =
      /^payload\.((participant|self|participants\.\d+|waiting\.\d+)\.(user_id|joined_at)|message|event_type)$|^participant_left:payload\.reason$/;
    const paths = validFrames.flatMap((valid) => leafPaths(valid).map((path) => ({ valid, path })));
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.option(hostileValue, { nil: undefined }),
        ({ valid, path }, value) => {
          const broken = structuredClone(valid);
          setPath(broken, path, value);
          const guard = isServerFrame(broken);
          const schema = zodAccepts(broken);
          if (schema) expect(guard).toBe(true);
          const where = path.join(".");
          if (!unread.test(where) && !unread.test(`${valid.event_type}:${where}`)) expect(guard).toBe(schema);
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("never throws on any JSON", () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        expect(() => parseServerFrame(JSON.stringify(value) ?? "")).not.toThrow();
        expect(() =>
          parseServerFrame(JSON.stringify({ event_type: "host_joined_room", payload: value })),
        ).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});

describe("frames to the room", () => {
  const id = (length: number) => "p".repeat(length);
  const sendable: ClientFrame[] = [
    { event_type: "join_room", payload: { audio: true, video: false } },
    { event_type: "join_room", payload: { resume_token: "r".repeat(128) } },
    { event_type: "accept_participant", payload: { participant_id: id(64) } },
    { event_type: "decline_participant", payload: { participant_id: "p-gil", reason: "r".repeat(200) } },
    { event_type: "remove_participant", payload: { participant_id: "p-gil" } },
    { event_type: "offer", payload: { target_id: "p-gil", data: { type: "offer", sdp: "v=0" } } },
    { event_type: "answer", payload: { target_id: "p-gil", data: { type: "answer", sdp: "v=0" } } },
    {
      event_type: "knock_offer",
      payload: { data: { type: "offer", sdp: "v".repeat(MAX_KNOCK_OFFER_LENGTH) } },
    },
    {
      event_type: "ice_candidate",
      payload: { target_id: "p-gil", data: Array(MAX_CANDIDATES_PER_FRAME).fill(candidate) },
    },
    { event_type: "ice_candidate", payload: { target_id: "p-gil", data: null } },
    { event_type: "media_state", payload: { screen: true } },
    { event_type: "raise_hand", payload: { raised: true } },
    { event_type: "send_chat_message", payload: { text: "x".repeat(MAX_CHAT_LENGTH) } },
    { event_type: "send_chat_message", payload: { text: "  hi  " } },
    ...["👍", "❤️", "🇫🇷", "#️⃣", "👩🏽‍💻"].map(
      (emoji): ClientFrame => ({ event_type: "send_emoji", payload: { emoji } }),
    ),
    { event_type: "leave_room", payload: {} },
    { event_type: "end_call", payload: {} },
    { event_type: "ping", payload: {} },
  ];
  const refused: ClientFrame[] = [
    { event_type: "join_room", payload: { resume_token: "" } },
    { event_type: "join_room", payload: { resume_token: "r".repeat(129) } },
    { event_type: "accept_participant", payload: { participant_id: "" } },
    { event_type: "remove_participant", payload: { participant_id: id(65) } },
    { event_type: "decline_participant", payload: { participant_id: "p-gil", reason: "r".repeat(201) } },
    { event_type: "offer", payload: { target_id: "", data: { type: "offer", sdp: "v=0" } } },
    { event_type: "answer", payload: { target_id: id(65), data: { type: "answer" } } },
    { event_type: "knock_offer", payload: { data: { type: "offer", sdp: "" } } },
    {
      event_type: "knock_offer",
      payload: { data: { type: "offer", sdp: "v".repeat(MAX_KNOCK_OFFER_LENGTH + 1) } },
    },
    {
      event_type: "ice_candidate",
      payload: { target_id: "p-gil", data: Array(MAX_CANDIDATES_PER_FRAME + 1).fill(candidate) },
    },
    { event_type: "send_chat_message", payload: { text: "" } },
    { event_type: "send_chat_message", payload: { text: " \n\t " } },
    { event_type: "send_chat_message", payload: { text: "x".repeat(MAX_CHAT_LENGTH + 1) } },
    ...["", "a", "👍👍", "👍 ", ":)", "🎉".repeat(20)].map(
      (emoji): ClientFrame => ({ event_type: "send_emoji", payload: { emoji } }),
    ),
  ];

  it("sends what the room accepts, as it was given", () => {
    for (const ok of sendable) {
      expect(clientFrameSchema.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
      expect(isSendable(ok), JSON.stringify(ok)).toBe(true);
      expect(JSON.parse(encodeClientFrame(ok) ?? "null")).toEqual(ok);
    }
  });

  it("refuses to send what the room would refuse (empty chat, over-long text, not one emoji)", () => {
    for (const bad of refused) {
      expect(clientFrameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(encodeClientFrame(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays included, the root not). */
function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...leafPaths(child, path)];
  });
}

/** Sets (or, with `undefined`, removes) the value at `path`; JSON has no holes, so array items are spliced. */
function setPath(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value !== undefined) node[last] = value;
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
}
