import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { callLogs } from "../db/schema";
import type { CallLog } from "../protocol/rest";
import { type Cursor, cursorQuery, toPage } from "./pagination";

/** One page of a person's call history, newest first, and the cursor of the next page. */
export async function listCallLogs(
  db: Db,
  userId: string,
  after: Cursor | null,
  limit: number,
): Promise<{ callLogs: CallLog[]; nextCursor: string | null }> {
  const paged = cursorQuery({ at: callLogs.joinedAt, id: callLogs.id }, after);
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
      cursorAt: paged.cursorAt,
    })
    .from(callLogs)
    .where(and(eq(callLogs.userId, userId), paged.after))
    .orderBy(...paged.order)
    .limit(limit + 1);
  const { page, nextCursor } = toPage(rows, limit);
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
    nextCursor,
  };
}
