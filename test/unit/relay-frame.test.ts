import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CLIENT_EVENT_TYPES,
  clientFrameSchema,
  MAX_CANDIDATES_PER_FRAME,
  SESSION_DESCRIPTION_TYPES,
} from "../../src/protocol/room";
import { readRelayFrame } from "../../src/room/relay-frame";
import { anyJson, hostileValue } from "../workers/support/fuzz-inputs";

const RELAY_EVENTS = ["offer", "answer", "ice_candidate"];

/** The lean reader must agree with the schema: the same frames accepted, the same value (and key order). */
function expectSameAsSchema(text: string) {
  const json: unknown = JSON.parse(text);
  const schema = clientFrameSchema.safeParse(json);
  const lean = readRelayFrame(json);
  const eventType = (json as { event_type?: unknown } | null)?.event_type;
  if (typeof eventType !== "string" || !RELAY_EVENTS.includes(eventType)) {
    expect(lean, text).toBeNull();
    return;
  }
  expect(lean !== null, text).toBe(schema.success);
  if (lean && schema.success) {
    expect(lean, text).toEqual(schema.data);
    expect(JSON.stringify(lean), text).toBe(JSON.stringify(schema.data));
  }
}

const frame = (event_type: string, payload: unknown) => JSON.stringify({ event_type, payload });
const offer = (data: unknown, target_id: unknown = "p_1") => frame("offer", { target_id, data });
const ice = (data: unknown, target_id: unknown = "p_1") => frame("ice_candidate", { target_id, data });
const candidate = { candidate: "candidate:1 1 udp 1 10.0.0.1 1 typ host", sdpMid: "0", sdpMLineIndex: 0 };

describe("the lean relay reader accepts and returns exactly what the schema does", () => {
  it("on frames a client sends", () => {
    const valid = [
      offer({ type: "offer", sdp: "v=0\r\n" }),
      frame("answer", { target_id: "p_1", data: { type: "answer", sdp: "" } }),
      offer({ type: "rollback" }),
      offer({ type: "pranswer", sdp: "x" }, "a".repeat(64)),
      offer({ sdp: "x", type: "offer", extra: 1 }),
      JSON.stringify({
        payload: { data: { type: "offer" }, target_id: "p", more: [] },
        event_type: "offer",
        x: 1,
      }),
      ice(candidate),
      ice(null),
      ice({}),
      ice([]),
      ice([candidate, { candidate: "", sdpMid: null, sdpMLineIndex: null, usernameFragment: null }]),
      ice({ usernameFragment: "u", sdpMLineIndex: 9007199254740991, sdpMid: "a", candidate: "c", x: {} }),
      ice(Array.from({ length: MAX_CANDIDATES_PER_FRAME }, () => candidate)),
      '{"event_type":"ice_candidate","payload":{"target_id":"p","data":{"sdpMLineIndex":-0}}}',
      '{"event_type":"ice_candidate","payload":{"target_id":"p","data":{"sdpMLineIndex":2.0}}}',
      '{"event_type":"offer","payload":{"target_id":"p","data":{"type":"offer","__proto__":{"sdp":1}}}}',
    ];
    const invalid = [
      offer({ type: "OFFER", sdp: "x" }),
      offer({ type: "offer", sdp: 1 }),
      offer({ type: "offer", sdp: null }),
      offer({ sdp: "x" }),
      offer(null),
      offer([{ type: "offer" }]),
      offer("offer"),
      offer({ type: "offer" }, ""),
      offer({ type: "offer" }, "a".repeat(65)),
      offer({ type: "offer" }, 1),
      offer({ type: "offer" }, null),
      frame("offer", { data: { type: "offer" } }),
      frame("offer", null),
      frame("offer", [{ target_id: "p", data: { type: "offer" } }]),
      JSON.stringify({ event_type: "offer" }),
      ice(undefined),
      ice("candidate"),
      ice(1),
      ice(true),
      ice([null]),
      ice([[candidate]]),
      ice([candidate, "x"]),
      ice({ candidate: 1 }),
      ice({ sdpMid: 0 }),
      ice({ sdpMLineIndex: -1 }),
      ice({ sdpMLineIndex: 1.5 }),
      ice({ sdpMLineIndex: "0" }),
      ice({ sdpMLineIndex: 9007199254740992 }),
      ice({ sdpMLineIndex: 1e308 }),
      ice({ usernameFragment: false }),
      ice(Array.from({ length: MAX_CANDIDATES_PER_FRAME + 1 }, () => candidate)),
      ice(candidate, ""),
    ];
    for (const text of valid) {
      expectSameAsSchema(text);
      expect(readRelayFrame(JSON.parse(text)), text).not.toBeNull();
    }
    for (const text of invalid) {
      expectSameAsSchema(text);
      expect(readRelayFrame(JSON.parse(text)), text).toBeNull();
    }
  });

  it("passes every other event to the schema", () => {
    for (const type of CLIENT_EVENT_TYPES.filter((t) => !RELAY_EVENTS.includes(t))) {
      expect(readRelayFrame({ event_type: type, payload: { target_id: "p", data: null } })).toBeNull();
    }
    for (const json of [null, [], "offer", 1, {}, { event_type: "Offer", payload: {} }]) {
      expect(readRelayFrame(json)).toBeNull();
    }
  });

  it("on generated frames near and far from valid ones", () => {
    const maybe = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });
    const withExtras = (record: fc.Arbitrary<Record<string, unknown>>) =>
      fc
        .tuple(record, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyJson, { maxKeys: 2 }))
        .map(([known, extra]) => ({ ...extra, ...known }));
    const optionalString = maybe(fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)));
    const index = maybe(
      fc.oneof(
        fc.integer({ min: -3, max: 10 }),
        fc.constantFrom(null, 0.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e21),
        fc.double(),
      ),
    );
    const iceCandidate = withExtras(
      fc.record(
        {
          candidate: maybe(fc.string({ maxLength: 40 })),
          sdpMid: optionalString,
          sdpMLineIndex: index,
          usernameFragment: optionalString,
        },
        { requiredKeys: [] },
      ),
    );
    const description = withExtras(
      fc.record(
        {
          type: maybe(fc.constantFrom(...SESSION_DESCRIPTION_TYPES, "OFFER", "")),
          sdp: maybe(fc.string({ maxLength: 40 })),
        },
        { requiredKeys: [] },
      ),
    );
    const iceData = fc.oneof(
      iceCandidate,
      fc.array(iceCandidate, { maxLength: 4 }),
      fc.integer({ min: 98, max: 102 }).map((n) => Array.from({ length: n }, () => ({ sdpMid: "0" }))),
      fc.constant(null),
      hostileValue,
    );
    const targetId = maybe(fc.string({ minLength: 0, maxLength: 70 }));
    const relayFrame = fc.oneof(
      fc.tuple(fc.constantFrom("offer", "answer"), description),
      fc.tuple(fc.constant("ice_candidate"), iceData),
    );
    const wire = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(relayFrame, withExtras(fc.record({ target_id: targetId }, { requiredKeys: [] })))
          .map(([[type, data], payload]) => ({ event_type: type, payload: { ...payload, data } })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...CLIENT_EVENT_TYPES), anyJson)
          .map(([type, payload]) => ({ event_type: type, payload })),
      },
      { weight: 1, arbitrary: anyJson },
    );
    fc.assert(
      fc.property(wire, (json) => {
        const text = JSON.stringify(json);
        if (text !== undefined) expectSameAsSchema(text);
      }),
      { numRuns: 5_000 },
    );
  }, 120_000);
});
