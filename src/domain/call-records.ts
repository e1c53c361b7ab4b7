import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { OutboxRecord } from "./stay-record";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not uuids (e.g. a guest's `guest:<uuid>`) cannot name a row, so they become null. */
const uuidOrNull = (id: string | null): string | null => (id !== null && UUID.test(id) ? id : null);

/**
 * Writes one outbox record to Postgres. Idempotent: each stay is keyed by (session_id, participant_id),
 * so writing the same record again changes nothing. A call or user deleted meanwhile is not an error:
 * the participant row is skipped with its call, and the log is kept without the call (as on delete).
 */
export async function writeCallRecord(db: Db, record: OutboxRecord): Promise<void> {
  const s = record.stay;
  const callId = uuidOrNull(s.call_id);
  const userId = uuidOrNull(s.user_id);
  const conflict =
    record.kind === "joined"
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET left_at = excluded.left_at, leave_reason = excluded.leave_reason`;
  await db.execute(sql`
    INSERT INTO call_participants
      (call_id, session_id, participant_id, user_id, display_name, role, guest, joined_at, left_at, leave_reason)
    SELECT c.id, ${s.session_id}, ${s.participant_id},
      (SELECT u.id FROM users u WHERE u.id = ${userId}::uuid),
      ${s.display_name}, ${s.role}, ${s.guest}, ${s.joined_at}::timestamptz, ${s.left_at}::timestamptz,
      ${s.leave_reason}
    FROM calls c WHERE c.id = ${callId}::uuid
    ON CONFLICT (session_id, participant_id) ${conflict}`);
  if (record.kind !== "left" || s.left_at === null || userId === null) return;
  const seconds = Math.max(0, Math.round((Date.parse(s.left_at) - Date.parse(s.joined_at)) / 1000));
  await db.execute(sql`
    INSERT INTO call_logs
      (call_id, call_title, user_id, session_id, participant_id, role, joined_at, left_at,
       duration_seconds, participant_count)
    SELECT (SELECT c.id FROM calls c WHERE c.id = ${callId}::uuid), ${s.call_title}, u.id,
      ${s.session_id}, ${s.participant_id}, ${s.role}, ${s.joined_at}::timestamptz,
      ${s.left_at}::timestamptz, ${seconds}, ${Math.max(1, s.participant_count)}
    FROM users u WHERE u.id = ${userId}::uuid
    ON CONFLICT (session_id, participant_id) DO NOTHING`);
}
