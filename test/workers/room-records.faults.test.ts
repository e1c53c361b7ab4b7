import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client";
import { callLogs, callParticipants, calls, users } from "../../src/db/schema";
import { databaseDown, databaseUp } from "./support/database";
import {
  claimsFor,
  outboxSize,
  RoomClient,
  roomStub,
  runAlarmAhead,
  type TestCall,
} from "./support/room-client";

/** Real user and call rows (the room's records point at them), unique to one test. */
async function seedCall(title: string): Promise<TestCall & { guestOk: true; annId: string }> {
  const { db, close } = await openDb(env);
  try {
    const tag = crypto.randomUUID();
    const [host, ann] = await db
      .insert(users)
      .values([
        { name: "Hana", email: `hana-${tag}@example.test`, passwordSalt: "00", passwordHash: "00" },
        { name: "Ann", email: `ann-${tag}@example.test`, passwordSalt: "00", passwordHash: "00" },
      ])
      .returning({ id: users.id });
    if (!host || !ann) throw new Error("users not created");
    const link = `records-${tag}`;
    const [row] = await db.insert(calls).values({ link, title, hostId: host.id }).returning({ id: calls.id });
    if (!row) throw new Error("call not created");
    return { id: row.id, link, title, hostUserId: host.id, guestOk: true, annId: ann.id };
  } finally {
    await close();
  }
}

async function rowsFor(callId: string) {
  const { db, close } = await openDb(env);
  try {
    const participants = await db.select().from(callParticipants).where(eq(callParticipants.callId, callId));
    const logs = await db.select().from(callLogs).where(eq(callLogs.callId, callId));
    return { participants, logs };
  } finally {
    await close();
  }
}

let skew = 0;

/**
 * Runs the room's alarm with its clock an hour further ahead each time, so every outbox retry (backoff
 * at most 10 minutes) is due. Only for rooms whose people have all left: they would look stale.
 */
async function runOutbox(link: string): Promise<void> {
  skew += 60 * 60_000;
  await runAlarmAhead(link, skew);
}

/** Runs the room's alarm once its first outbox batch is due, without making live sockets look stale. */
async function runFirstBatch(link: string): Promise<void> {
  await runAlarmAhead(link, 5_000);
}

describe("call records in Postgres", () => {
  it("keeps every record through a Postgres outage and writes each exactly once when it is back", async () => {
    const call = await seedCall("Outage review");
    await databaseDown();
    try {
      // The whole call happens while Postgres is down: nothing on the hot path needs it.
      const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
      await host.next("host_joined_room");
      const ann = await RoomClient.join(claimsFor(call, { name: "Ann", sub: call.annId }));
      const annId = (await ann.next("waiting_room")).payload.self.id;
      host.send({ event_type: "accept_participant", payload: { participant_id: annId } });
      await ann.next("accepted_into_room");
      const gil = await RoomClient.join(claimsFor(call, { name: "Gil", guest: true }));
      const gilId = (await gil.next("waiting_room")).payload.self.id;
      host.send({ event_type: "accept_participant", payload: { participant_id: gilId } });
      await gil.next("accepted_into_room");
      for (const client of [gil, ann, host]) {
        client.send({ event_type: "leave_room", payload: {} });
        await client.next("left_room");
      }
      expect(await outboxSize(call.link)).toBe(6);
      await runOutbox(call.link);
      expect(await outboxSize(call.link)).toBe(6);
      await runOutbox(call.link);
      expect(await outboxSize(call.link)).toBe(6);
    } finally {
      await databaseUp();
    }
    expect(await rowsFor(call.id)).toEqual({ participants: [], logs: [] });

    // Keep a copy of the outbox to replay it later, as if a flush had died after writing.
    const saved = await runInDurableObject(roomStub(call.link), (_i, state) =>
      state.storage.sql.exec<{ record: string }>("SELECT record FROM outbox ORDER BY id").toArray(),
    );
    await runOutbox(call.link);
    expect(await outboxSize(call.link)).toBe(0);

    const { participants, logs } = await rowsFor(call.id);
    expect(participants.map((p) => [p.displayName, p.role, p.guest, p.leaveReason]).sort()).toEqual([
      ["Ann", "participant", false, "left"],
      ["Gil", "participant", true, "left"],
      ["Hana", "host", false, "left"],
    ]);
    for (const p of participants) expect(p.leftAt).not.toBeNull();
    expect(participants.find((p) => p.guest)?.userId).toBeNull();
    // Logs are for people with an account: the guest has none.
    expect(logs.map((l) => [l.userId, l.role, l.participantCount, l.callTitle]).sort()).toEqual(
      [
        [call.annId, "participant", 3, "Outage review"],
        [call.hostUserId, "host", 3, "Outage review"],
      ].sort(),
    );
    for (const l of logs) {
      expect(l.durationSeconds).toBe(Math.round((l.leftAt.getTime() - l.joinedAt.getTime()) / 1000));
    }

    // Replaying every record changes nothing: one row per person per session.
    await runInDurableObject(roomStub(call.link), async (_i, state) => {
      for (const { record } of saved) {
        state.storage.sql.exec("INSERT INTO outbox (record, next_attempt_at) VALUES (?, 0)", record);
      }
      // Written behind the room's back, so nothing woke it: the last flush emptied the outbox and left no
      // alarm. One is set (far ahead, so only runOutbox runs it).
      await state.storage.setAlarm(Date.now() + 60 * 60_000);
    });
    await runOutbox(call.link);
    expect(await outboxSize(call.link)).toBe(0);
    const again = await rowsFor(call.id);
    expect(again.participants).toHaveLength(3);
    expect(again.logs).toHaveLength(2);
  });

  it("writes a participant row as soon as someone is admitted, and completes it when they leave", async () => {
    const call = await seedCall("Live roster");
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    await host.next("host_joined_room");
    await runFirstBatch(call.link);
    const live = await rowsFor(call.id);
    expect(live.participants.map((p) => [p.displayName, p.leftAt])).toEqual([["Hana", null]]);
    expect(live.logs).toEqual([]);
    host.send({ event_type: "end_call", payload: {} });
    await host.next("call_terminated");
    await runOutbox(call.link);
    const done = await rowsFor(call.id);
    expect(done.participants[0]?.leaveReason).toBe("ended_by_host");
    expect(done.logs.map((l) => [l.role, l.participantCount])).toEqual([["host", 1]]);
  });

  it("keeps the history of a call deleted before its records were written (log without the call)", async () => {
    const call = await seedCall("Soon deleted");
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    await host.next("host_joined_room");
    const { db, close } = await openDb(env);
    try {
      await db.delete(calls).where(eq(calls.id, call.id));
    } finally {
      await close();
    }
    await roomStub(call.link).terminate("call_deleted");
    expect((await host.next("call_terminated")).payload.reason).toBe("call_deleted");
    await runOutbox(call.link);
    expect(await outboxSize(call.link)).toBe(0);
    const { db: db2, close: close2 } = await openDb(env);
    try {
      const logs = await db2.select().from(callLogs).where(eq(callLogs.userId, call.hostUserId));
      expect(logs.map((l) => [l.callId, l.callTitle, l.role])).toEqual([[null, "Soon deleted", "host"]]);
    } finally {
      await close2();
    }
  });
});
