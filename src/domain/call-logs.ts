import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { callLogs } from "../db/schema";
import type { CallLog } from "../protocol/rest";
import { type Cursor, encodeCursor } from "./pagination";

/** One page of a person's call history, newest first, and the cursor of the next page. */
export async function listCallLogs(
  db: Db,
  userId: string,
  after: Cursor | null,
  limit: number,
): Promise<{ callLogs: CallLog[]; nextCursor: string | null }> {
  const at = sql<string>`to_char(${callLogs.joinedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await db
    .select({
      id: callLogs.id,
      callId: callLogs.callId,
      callTitle: callLogs.callTitle,
      role: callLogs.role,
      joinedAt: callLogs.joinedAt,
      leftAt: callLogs.leftAt,
      durationSeconds: callLogs.durationSeconds,
      participantCount: callLogs.participantCount,
      cursorAt: at,
    })
    .from(callLogs)
    .where(
      and(
        eq(callLogs.userId, userId),
        after
          ? sql`(${callLogs.joinedAt}, ${callLogs.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(callLogs.joinedAt), desc(callLogs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    callLogs: page.map((row) => ({
      call_id: row.callId,
      call_title: row.callTitle,
      role: row.role,
      joined_at: row.joinedAt.toISOString(),
      left_at: row.leftAt.toISOString(),
      duration_seconds: row.durationSeconds,
      participant_count: row.participantCount,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}
