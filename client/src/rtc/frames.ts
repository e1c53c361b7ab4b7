// The room's frames (PROTOCOL.md §2), checked both ways with the shared schemas of src/protocol/room.ts.
import {
  CLOSE_CODES,
  type ClientFrame,
  clientFrameSchema,
  type Participant,
  PING_FRAME,
  type ServerFrame,
  serverFrameSchema,
} from "../../../src/protocol/room";

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
  const result = serverFrameSchema.safeParse(json);
  return result.success ? result.data : null;
}

/** Checks a frame before it is sent; null when the room would refuse it (e.g. an empty chat message). */
export function encodeClientFrame(frame: ClientFrame): string | null {
  const result = clientFrameSchema.safeParse(frame);
  return result.success ? JSON.stringify(result.data) : null;
}
