import { describe, expect, it, vi } from "vitest";
import { type CallLog, callLogListSchema } from "../../src/protocol/rest";
import {
  bodyOf,
  call,
  createCall,
  errorOf,
  send,
  signUp,
  type TestUser,
  warmUp,
} from "./support/api-helpers";
import { databaseDown, databaseUp } from "./support/database";
import { claimsFor, outboxSize, RoomClient, runAlarmAhead, type TestCall } from "./support/room-client";

// Real sockets and an outage on a shared, sometimes heavily loaded machine.
vi.setConfig({ testTimeout: 120_000 });

async function logsOf(user: TestUser, callId: string): Promise<CallLog[]> {
  const response = await send("GET", "/api/call-logs", undefined, { token: user.token });
  expect(response.status).toBe(200);
  const { call_logs } = await bodyOf(response, callLogListSchema);
  return call_logs.filter((log) => log.call_id === callId);
}

describe("Postgres down during a live three-person call", () => {
  it("signaling and chat go on, REST answers 503, and after recovery every call log arrives exactly once", async () => {
    await warmUp();
    const [host, ann] = await Promise.all([signUp("Hana"), signUp("Ann")]);
    const created = await createCall(host, { title: "Outage drill", allow_guests: true });
    const theCall: TestCall = {
      id: created.id,
      link: created.link,
      title: created.title,
      hostUserId: host.user.id,
    };

    // The call is live before the outage: host, a member and a guest, all admitted.
    const hana = await RoomClient.join(claimsFor(theCall, { name: "Hana", sub: host.user.id }));
    const hanaId = (await hana.next("host_joined_room")).payload.self.id;
    const admit = async (client: RoomClient) => {
      const id = (await client.next("waiting_room")).payload.self.id;
      hana.send({ event_type: "accept_participant", payload: { participant_id: id } });
      await client.next("accepted_into_room");
      return id;
    };
    const annSocket = await RoomClient.join(claimsFor(theCall, { name: "Ann", sub: ann.user.id }));
    const annId = await admit(annSocket);
    const gil = await RoomClient.join(claimsFor(theCall, { name: "Gil", guest: true }));
    const gilId = await admit(gil);

    await databaseDown();
    const figures = { relayed: 0, rest503: 0 };
    try {
      // REST that needs Postgres says so clearly, with a hint when to retry.
      for (const [method, path, body] of [
        ["GET", "/api/me", undefined],
        ["GET", "/api/call-logs", undefined],
        ["GET", `/api/calls/${created.link}`, undefined],
        ["POST", `/api/calls/${created.link}/ticket`, {}],
        ["POST", "/api/auth/login", { email: ann.email, password: ann.password }],
      ] as const) {
        const response = await send(
          method,
          path,
          body,
          path === "/api/auth/login" ? {} : { token: host.token },
        );
        expect(response.status, `${method} ${path}`).toBe(503);
        expect(response.headers.get("Retry-After")).toBe("5");
        expect((await errorOf(response)).code).toBe("database_unavailable");
        figures.rest503++;
      }
      const health = await call("/api/health");
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, db: "down" });

      // Signaling needs no database: a full renegotiation round, candidates, chat and state changes.
      const pairs: [RoomClient, string, RoomClient, string][] = [
        [annSocket, annId, hana, hanaId],
        [gil, gilId, hana, hanaId],
        [gil, gilId, annSocket, annId],
      ];
      for (let round = 0; round < 5; round++) {
        for (const [from, fromId, to, toId] of pairs) {
          from.send({
            event_type: "offer",
            payload: { target_id: toId, data: { type: "offer", sdp: `v=${round}` } },
          });
          expect((await to.next("offer")).payload).toMatchObject({
            sender_id: fromId,
            data: { sdp: `v=${round}` },
          });
          to.send({
            event_type: "answer",
            payload: { target_id: fromId, data: { type: "answer", sdp: `a=${round}` } },
          });
          expect((await from.next("answer")).payload.sender_id).toBe(toId);
          from.send({
            event_type: "ice_candidate",
            payload: { target_id: toId, data: [{ candidate: `candidate:${round}`, sdpMid: "0" }] },
          });
          await to.next("ice_candidate");
          figures.relayed += 3;
        }
      }
      gil.send({ event_type: "send_chat_message", payload: { text: "is the database down?" } });
      for (const c of [hana, annSocket])
        expect((await c.next("chat_message_received")).payload.sender_id).toBe(gilId);
      annSocket.send({ event_type: "media_state", payload: { video: true } });
      await hana.next(
        "participant_updated",
        (f) => f.payload.participant.id === annId && f.payload.participant.video,
      );

      // Everyone leaves during the outage; the room keeps their records and retries (and fails) once.
      for (const client of [gil, annSocket, hana]) {
        client.send({ event_type: "leave_room", payload: {} });
        await client.next("left_room");
      }
      const kept = await outboxSize(created.link);
      expect(kept).toBeGreaterThanOrEqual(6);
      await runAlarmAhead(created.link, 60 * 60_000);
      expect(await outboxSize(created.link)).toBe(kept);
    } finally {
      await databaseUp();
    }

    // Back up: the retry writes everything; running it again writes nothing twice.
    await runAlarmAhead(created.link, 2 * 60 * 60_000);
    expect(await outboxSize(created.link)).toBe(0);
    await runAlarmAhead(created.link, 3 * 60 * 60_000);
    const hostLogs = await logsOf(host, created.id);
    const annLogs = await logsOf(ann, created.id);
    expect(hostLogs.map((l) => [l.role, l.participant_count, l.call_title])).toEqual([
      ["host", 3, "Outage drill"],
    ]);
    expect(annLogs.map((l) => [l.role, l.participant_count, l.call_title])).toEqual([
      ["participant", 3, "Outage drill"],
    ]);
    console.log(
      `outage: ${figures.relayed} signaling frames relayed and chat delivered with Postgres down, ` +
        `${figures.rest503} REST calls answered 503 database_unavailable, 0 call logs lost, 0 written twice`,
    );
  });
});
