import {
  type ClientFrameOf,
  MAX_CANDIDATES_PER_FRAME,
  MAX_PARTICIPANT_ID_LENGTH,
  SESSION_DESCRIPTION_TYPES,
} from "../protocol/room";

/** The frames a call is mostly made of: the room relays them, so they are read without zod. */
export type RelayFrame = ClientFrameOf<"offer" | "answer" | "ice_candidate">;
type SessionDescription = ClientFrameOf<"offer">["payload"]["data"];
type IceData = ClientFrameOf<"ice_candidate">["payload"]["data"];
type IceCandidate = Exclude<IceData, null | unknown[]>;

const DESCRIPTION_TYPES: ReadonlySet<unknown> = new Set(SESSION_DESCRIPTION_TYPES);

// The same test as zod's object check: arrays are not objects.
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isNullableString = (value: unknown) => value === null || typeof value === "string";

function sessionDescription(value: unknown): SessionDescription | null {
  if (!isRecord(value) || !DESCRIPTION_TYPES.has(value.type)) return null;
  const type = value.type as SessionDescription["type"];
  const { sdp } = value;
  if (sdp === undefined) return { type };
  return typeof sdp === "string" ? { type, sdp } : null;
}

function iceCandidate(value: unknown): IceCandidate | null {
  if (!isRecord(value)) return null;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
  const out: IceCandidate = {};
  if (candidate !== undefined) {
    if (typeof candidate !== "string") return null;
    out.candidate = candidate;
  }
  if (sdpMid !== undefined) {
    if (!isNullableString(sdpMid)) return null;
    out.sdpMid = sdpMid as string | null;
  }
  if (sdpMLineIndex !== undefined) {
    if (sdpMLineIndex !== null && !(Number.isSafeInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0)) {
      return null;
    }
    out.sdpMLineIndex = sdpMLineIndex as number | null;
  }
  if (usernameFragment !== undefined) {
    if (!isNullableString(usernameFragment)) return null;
    out.usernameFragment = usernameFragment as string | null;
  }
  return out;
}

function iceData(value: unknown): IceData | undefined {
  if (value === null) return null;
  if (!Array.isArray(value)) return iceCandidate(value) ?? undefined;
  if (value.length > MAX_CANDIDATES_PER_FRAME) return undefined;
  const out: IceCandidate[] = [];
  for (const item of value) {
    const read = iceCandidate(item);
    if (!read) return undefined;
    out.push(read);
  }
  return out;
}

/**
 * Reads an `offer`, `answer` or `ice_candidate` frame (parsed JSON) by hand, accepting exactly what
 * `clientFrameSchema` accepts and returning what it returns (unknown keys dropped, keys in schema order),
 * at a fraction of its cost per relayed frame. Null for any other frame and for an invalid one: the caller
 * then asks the schema, whose answer (and error message) stays the one source of truth.
 */
export function readRelayFrame(json: unknown): RelayFrame | null {
  if (!isRecord(json)) return null;
  const eventType = json.event_type;
  if (eventType !== "offer" && eventType !== "answer" && eventType !== "ice_candidate") return null;
  const { payload } = json;
  if (!isRecord(payload)) return null;
  const targetId = payload.target_id;
  if (typeof targetId !== "string" || targetId.length < 1 || targetId.length > MAX_PARTICIPANT_ID_LENGTH) {
    return null;
  }
  if (eventType === "ice_candidate") {
    const data = iceData(payload.data);
    return data === undefined ? null : { event_type: eventType, payload: { target_id: targetId, data } };
  }
  const data = sessionDescription(payload.data);
  return data ? { event_type: eventType, payload: { target_id: targetId, data } } : null;
}
