import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { withDb } from "../../src/db/client";
import { callLogs } from "../../src/db/schema";
import { type CallLogList, callLogListSchema } from "../../src/protocol/rest";
import { bodyOf, call, createCall, errorOf, send, signUp } from "./support/api-helpers";

interface LogSeed {
  callId: string | null;
  title: string;
  role: "host" | "participant";
  joinedAt: Date;
  minutes: number;
  count: number;
}

/** Writes call logs the way the room does (straight into Postgres). */
async function seedLogs(userId: string, seeds: LogSeed[]): Promise<void> {
  await withDb(env, (db) =>
    db.insert(callLogs).values(
      seeds.map((seed) => ({
        callId: seed.callId,
        callTitle: seed.title,
        userId,
        sessionId: crypto.randomUUID(),
        participantId: crypto.randomUUID(),
        role: seed.role,
        joinedAt: seed.joinedAt,
        leftAt: new Date(seed.joinedAt.getTime() + seed.minutes * 60_000),
        durationSeconds: seed.minutes * 60,
        participantCount: seed.count,
      })),
    ),
  );
}

describe("GET /api/call-logs", () => {
  it("lists my call history newest first in the contract's shape", async () => {
    const person = await signUp();
    const created = await createCall(person, { title: "Standup" });
    const base = Date.UTC(2026, 0, 10, 9, 0, 0);
    await seedLogs(person.user.id, [
      { callId: created.id, title: "Standup", role: "host", joinedAt: new Date(base), minutes: 15, count: 4 },
      {
        callId: null,
        title: "Deleted call 🗑️ <i>",
        role: "participant",
        joinedAt: new Date(base + 3_600_000),
        minutes: 2,
        count: 2,
      },
    ]);
    const response = await send("GET", "/api/call-logs", undefined, { token: person.token });
    expect(response.status).toBe(200);
    expect(await bodyOf(response, callLogListSchema)).toEqual({
      call_logs: [
        {
          call_id: null,
          call_title: "Deleted call 🗑️ <i>",
          role: "participant",
          joined_at: "2026-01-10T10:00:00.000Z",
          left_at: "2026-01-10T10:02:00.000Z",
          duration_seconds: 120,
          participant_count: 2,
        },
        {
          call_id: created.id,
          call_title: "Standup",
          role: "host",
          joined_at: "2026-01-10T09:00:00.000Z",
          left_at: "2026-01-10T09:15:00.000Z",
          duration_seconds: 900,
          participant_count: 4,
        },
      ],
      next_cursor: null,
    });
  });

  it("pages with a cursor without skipping or repeating rows that share a timestamp", async () => {
    const person = await signUp();
    const at = new Date(Date.UTC(2026, 1, 1, 12, 0, 0));
    const seeds: LogSeed[] = Array.from({ length: 5 }, (_, i) => ({
      callId: null,
      title: `same-time-${i}`,
      role: "participant",
      joinedAt: at,
      minutes: 1,
      count: 2,
    }));
    seeds.push({
      callId: null,
      title: "earlier",
      role: "host",
      joinedAt: new Date(at.getTime() - 1),
      minutes: 1,
      count: 1,
    });
    await seedLogs(person.user.id, seeds);
    const titles: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const page: CallLogList = await bodyOf(
        await send("GET", `/api/call-logs${query}`, undefined, { token: person.token }),
        callLogListSchema,
      );
      titles.push(...page.call_logs.map((log) => log.call_title));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(titles).toHaveLength(6);
    expect(new Set(titles).size).toBe(6);
    expect(titles.at(-1)).toBe("earlier");
  });

  it("never shows another person's history", async () => {
    const owner = await signUp();
    const other = await signUp();
    await seedLogs(owner.user.id, [
      { callId: null, title: "Mine", role: "host", joinedAt: new Date(), minutes: 1, count: 1 },
    ]);
    const response = await send("GET", "/api/call-logs", undefined, { token: other.token });
    expect(await bodyOf(response, callLogListSchema)).toEqual({ call_logs: [], next_cursor: null });
  });

  it("needs a signed-in user and a valid cursor", async () => {
    expect((await call("/api/call-logs")).status).toBe(401);
    const person = await signUp();
    const response = await send("GET", "/api/call-logs?cursor=bm9wZQ", undefined, { token: person.token });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toMatch(/^cursor:/);
  });
});
