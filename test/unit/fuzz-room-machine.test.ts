import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { MAX_BAD_FRAMES_IN_A_ROW, serverFrameSchema } from "../../src/protocol/room";
import { badFrame, type WireFrame } from "../workers/support/fuzz-frames";
import { Tally } from "../workers/support/fuzz-inputs";
import { RoomHarness } from "./support/room-harness";

// Vitest exposes the process environment here (`npm run test:soak` sets VCME_SOAK=1).
const { env } = import.meta as ImportMeta & { env: Record<string, string | undefined> };
const SOAK = env.VCME_SOAK === "1" || env.VCME_SOAK === "true";
const FRAMES_PER_ROLE = SOAK ? 50_000 : 3_000;
// Tens of thousands of generated frames on a shared, sometimes heavily loaded machine.
vi.setConfig({ testTimeout: 600_000 });

const REFUSAL_CODES = ["invalid_message", "unknown_event", "payload_too_large"];

const tally = new Tally();
let crashes = 0;

afterAll(() => {
  console.log(
    `room machine hostile input: ${tally.get("bad frame")} bad frames through the pure room, ${crashes} crashes, ` +
      `${tally.get("error reply")} error replies, ${tally.get("leaked")} frames to anyone else, ` +
      `${tally.get("state changed")} state changes`,
  );
});

/** Feeds one frame to the machine as CallRoom does (binary frames arrive as null data). */
function feed(room: RoomHarness, connection: string, frame: WireFrame) {
  if (typeof frame.data === "string") return room.send(connection, frame.data);
  return room.run({ type: "frame", connectionId: connection, data: null, bytes: frame.data.byteLength });
}

/** A copy of the room state without the per-connection counters a bad frame is allowed to move. */
function roster(room: RoomHarness) {
  // A deep copy: the room may step its state in place.
  const { connections, ...rest } = structuredClone(room.state);
  return {
    ...rest,
    connections: Object.fromEntries(
      Object.entries(connections).map(([id, c]) => [id, { participantId: c.participantId }]),
    ),
  };
}

describe("the pure room machine under hostile frames", () => {
  for (const role of ["host", "participant", "waiting", "unjoined"] as const) {
    it(`answers ${FRAMES_PER_ROLE} bad frames from ${role === "unjoined" ? "an" : "a"} ${role} socket with one error each and changes nothing`, () => {
      const room = new RoomHarness();
      room.rateLimit = null;
      const { host, people } = room.room("Ann");
      const waiting = room.join("Bob", "guest");
      const unjoined = room.open(room.identity("Lurker", "guest"));
      const connection = {
        host: host.connection,
        participant: people[0]?.connection ?? "",
        waiting: waiting.connection,
        unjoined,
      }[role];
      const before = roster(room);
      const frames = fc.sample(badFrame, FRAMES_PER_ROLE);
      for (const [i, frame] of frames.entries()) {
        // A good frame now and then: only bad frames in a row close a socket.
        if (i % (MAX_BAD_FRAMES_IN_A_ROW - 1) === 0)
          room.send(connection, '{"event_type":"ping","payload":{}}');
        room.clear();
        let result: ReturnType<typeof feed>;
        try {
          result = feed(room, connection, frame);
        } catch (error) {
          crashes++;
          throw error;
        }
        tally.add("bad frame");
        const replies = room.framesOf(connection);
        expect(replies, frame.kind).toHaveLength(1);
        const reply = replies[0];
        expect(serverFrameSchema.safeParse(reply).success).toBe(true);
        if (reply?.event_type !== "error") throw new Error(`expected an error, got ${reply?.event_type}`);
        expect(REFUSAL_CODES).toContain(reply.payload.code);
        tally.add("error reply");
        const leaked = result.messages.filter((m) => m.to !== connection).length;
        tally.add("leaked", leaked);
        expect(leaked).toBe(0);
        expect(result.effects).toEqual([]);
      }
      const changed = JSON.stringify(roster(room)) !== JSON.stringify(before);
      if (changed) tally.add("state changed");
      expect(roster(room)).toEqual(before);
    });
  }
});
