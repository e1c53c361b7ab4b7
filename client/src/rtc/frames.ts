// The room's frames (PROTOCOL.md §2), checked both ways with the shared schemas of src/protocol/room.ts
// without shipping zod: frames.generated.ts is derived from serverFrameSchema and clientFrameSchema by
// scripts/build-frame-guards.ts (`npm run build` runs it) and accepts exactly what they accept, checking
// every field. Like zod's `safeParse(...).data`, what it returns keeps only the keys the schema knows.
// test/unit/client-frames.test.ts checks the committed file is up to date and agrees with zod.
import type { ClientFrame, Participant, ServerFrame } from "../../../src/protocol/room";
import { CLOSE_CODES, PING_FRAME } from "../../../src/protocol/room-constants";
import { clientFrame, INVALID, serverFrame } from "./frames.generated";

export type { ClientFrame, Participant, ServerFrame };
export { CLOSE_CODES, PING_FRAME };

/** Parses one text frame from the room; null when it is not JSON or not a known, valid frame. */
export function parseServerFrame(text: string): ServerFrame | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const frame = serverFrame(json);
  return frame === INVALID ? null : frame;
}

/** Checks a frame before it is sent; null when the room would refuse it (e.g. an empty chat message). */
export function encodeClientFrame(frame: ClientFrame): string | null {
  const parsed = clientFrame(frame);
  return parsed === INVALID ? null : JSON.stringify(parsed);
}
