import { requestCancelled } from "./frames";
import { admitted, type Outcome } from "./outcome";
import type { Member, StayRecord } from "./state";

// The room's books: how a person's stay begins and ends, and when a session is over. Shared by admission
// and lifecycle, so each stay is recorded exactly once whichever way it ends.

function stay(out: Outcome, member: Member, leftAt: number | null, reason: string | null): StayRecord {
  const { call, sessionId } = out.state;
  return {
    session_id: sessionId ?? "",
    participant_id: member.id,
    call_id: call?.id ?? "",
    call_title: call?.title ?? "",
    user_id: member.userId,
    display_name: member.name,
    role: member.role,
    guest: member.guest,
    joined_at: new Date(member.joinedAt).toISOString(),
    left_at: leftAt === null ? null : new Date(leftAt).toISOString(),
    leave_reason: reason,
    participant_count: member.peak,
  };
}

/** Marks someone admitted now, updates everyone's peak and queues their participant record. */
export function admit(out: Outcome, member: Member): void {
  member.status = "admitted";
  member.joinedAt = out.ctx.now;
  const count = admitted(out.state).length;
  for (const m of admitted(out.state)) m.peak = Math.max(m.peak, count);
  out.record("joined", stay(out, member, null, null));
}

/** Lets an admitted person go for good: their stay ends and is logged exactly once. */
export function release(out: Outcome, member: Member, leftAt: number, reason: string): void {
  delete out.state.members[member.id];
  out.dirty = true;
  out.record("left", stay(out, member, leftAt, reason));
}

/** A knock goes away (left, dropped or decided): every host's waiting list drops it. */
export function withdrawKnock(out: Outcome, member: Member): void {
  delete out.state.members[member.id];
  out.knockOffer(member.id, null);
  out.dirty = true;
  out.toHosts(requestCancelled(member));
}

/** When nobody is left (in, knocking or holding a seat) the session is over. */
export function endSessionIfEmpty(out: Outcome): void {
  if (out.state.sessionId !== null && Object.keys(out.state.members).length === 0) {
    out.state.sessionId = null;
    out.dirty = true;
  }
}
