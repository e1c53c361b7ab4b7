import type { LeaveReason, ServerFrame, ServerFrameOf, TerminateReason } from "../protocol/room";
import { type Member, toParticipant } from "./state";

// The one builder of each frame that carries a participant (or the end of a call), so every place that
// announces a person says it the same way.

/** Someone known to the room changed (media, hand, connection). */
export function participantUpdated(member: Member): ServerFrameOf<"participant_updated"> {
  return { event_type: "participant_updated", payload: { participant: toParticipant(member) } };
}

/** Someone was admitted: the others add them. */
export function newParticipant(member: Member): ServerFrameOf<"new_participant"> {
  return { event_type: "new_participant", payload: { participant: toParticipant(member) } };
}

/** Someone knocks: hosts add them to the waiting list. */
export function newParticipantRequest(member: Member): ServerFrameOf<"new_participant_request"> {
  return { event_type: "new_participant_request", payload: { participant: toParticipant(member) } };
}

/** A knock is gone (left, dropped or decided): hosts drop it from the waiting list. */
export function requestCancelled(member: Member): ServerFrameOf<"participant_request_cancelled"> {
  return { event_type: "participant_request_cancelled", payload: { participant_id: member.id } };
}

/** Someone admitted is gone for good. */
export function participantLeft(member: Member, reason: LeaveReason): ServerFrameOf<"participant_left"> {
  return { event_type: "participant_left", payload: { participant_id: member.id, reason } };
}

const TERMINATE_MESSAGES: Record<TerminateReason, string> = {
  ended_by_host: "The host ended the call for everyone.",
  call_deleted: "The host deleted this call.",
};

/** The call is over for everyone. */
export function callTerminated(reason: TerminateReason): ServerFrame {
  return { event_type: "call_terminated", payload: { reason, message: TERMINATE_MESSAGES[reason] } };
}
