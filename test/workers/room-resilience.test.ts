import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
  CLOSE_CODES,
  MAX_BAD_FRAMES_IN_A_ROW,
  MAX_FRAME_BYTES,
  RESUME_GRACE_MS,
  STALE_AFTER_MS,
} from "../../src/protocol/room";
import { CallRoom } from "../../src/room/CallRoom";
import { persistedPart, type RoomState } from "../../src/room/state";
import {
  admittedCall,
  advanceRoomClock,
  claimsFor,
  newCall,
  RoomClient,
  roomStub,
  runAlarmAhead,
  type TestCall,
} from "./support/room-client";

/** Hana hosting a fresh call with Ann admitted. */
async function callWithAnn(call: TestCall) {
  const { host, people } = await admittedCall(call, { name: "Ann" });
  return { host: host.client, hostId: host.id, people };
}

describe("resume after a dropped socket", () => {
  it("puts the same participant straight back within the grace, without knocking", async () => {
    const call = newCall();
    const { host, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    ann.client.close();
    const away = await host.next("participant_updated", (f) => f.payload.participant.id === ann.id);
    expect(away.payload.participant.connected).toBe(false);

    const back = await RoomClient.join(ann.client.claims, { resume_token: ann.token });
    const accepted = await back.next("accepted_into_room");
    expect(accepted.payload.self).toMatchObject({ id: ann.id, connected: true });
    expect(accepted.payload.participants.map((p) => p.name)).toEqual(["Hana"]);
    expect(back.all("waiting_room")).toEqual([]);
    await host.next(
      "participant_updated",
      (f) => f.payload.participant.id === ann.id && f.payload.participant.connected,
    );
    expect(host.all("participant_left")).toEqual([]);
    back.send({ event_type: "send_chat_message", payload: { text: "I'm back" } });
    expect((await host.next("chat_message_received")).payload.sender_id).toBe(ann.id);
    host.close();
    back.close();
  });

  it("lets the seat go after the grace (alarm): participant_left disconnected, and a late resume knocks again", async () => {
    const call = newCall();
    const { host, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    ann.client.close();
    await host.next("participant_updated", (f) => f.payload.participant.id === ann.id);
    expect(await runAlarmAhead(call.link, RESUME_GRACE_MS + 1_000)).toBe(true);
    expect((await host.next("participant_left")).payload).toEqual({
      participant_id: ann.id,
      reason: "disconnected",
    });

    const late = await RoomClient.join(ann.client.claims, { resume_token: ann.token });
    const waiting = await late.next("waiting_room");
    expect(waiting.payload.self.id).not.toBe(ann.id);
    host.close();
    late.close();
  });

  it("closes a socket that stopped sending heartbeats and keeps its seat for a resume", async () => {
    const call = newCall();
    const { host, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    await advanceRoomClock(call.link, STALE_AFTER_MS + 1_000);
    // Hana is still talking (a frame seen on the room's moved clock); Ann has gone silent.
    host.send({ event_type: "raise_hand", payload: { raised: true } });
    await host.next("participant_updated");
    expect(await runDurableObjectAlarm(roomStub(call.link))).toBe(true);
    expect(await ann.client.closedWith()).toBe(CLOSE_CODES.stale);
    const away = await host.next("participant_updated", (f) => f.payload.participant.id === ann.id);
    expect(away.payload.participant.connected).toBe(false);
    host.close();
  });
});

describe("hibernation and restarts", () => {
  it("rebuilds the whole room from storage and socket attachments, and keeps serving the same sockets", async () => {
    const call = newCall();
    const { host, hostId, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    const bobId = (await bob.next("waiting_room")).payload.self.id;
    await host.next("new_participant_request", (f) => f.payload.participant.id === bobId);
    // An offer made while knocking is kept through the sleep too.
    bob.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp: "bob->hana" } } });
    await vi.waitFor(async () =>
      expect(
        await runInDurableObject(
          roomStub(call.link),
          (room) => (room as unknown as { state: RoomState }).state.knockOffers[bobId],
        ),
      ).toBe("bob->hana"),
    );

    // A new instance over the same storage and sockets is exactly what waking from hibernation gives.
    await runInDurableObject(roomStub(call.link), async (live, state) => {
      const woken = new CallRoom(state, env);
      await state.blockConcurrencyWhile(async () => {});
      const before = (live as unknown as { state: RoomState }).state;
      const after = (woken as unknown as { state: RoomState }).state;
      expect(persistedPart(after)).toEqual(persistedPart(before));
      const bindings = (s: RoomState) =>
        Object.values(s.connections)
          .map((c) => `${c.id}:${c.participantId}`)
          .sort();
      expect(bindings(after)).toEqual(bindings(before));
      // The woken instance admits Bob and relays for the people already in.
      const sockets = state.getWebSockets();
      const hostSocket = sockets.find(
        (ws) => (ws.deserializeAttachment() as { participantId: string }).participantId === hostId,
      );
      if (!hostSocket) throw new Error("host socket not found");
      await woken.webSocketMessage(
        hostSocket,
        JSON.stringify({ event_type: "accept_participant", payload: { participant_id: bobId } }),
      );
    });
    const accepted = await bob.next("accepted_into_room");
    expect(accepted.payload.participants.map((p) => p.name)).toEqual(["Hana", "Ann"]);
    expect(accepted.payload.offer_sent_to).toBe(hostId);
    expect((await host.next("offer")).payload).toEqual({
      sender_id: bobId,
      data: { type: "offer", sdp: "bob->hana" },
    });
    expect((await ann.client.next("new_participant")).payload.participant.id).toBe(bobId);
    for (const c of [host, ann.client, bob]) c.close();
  });

  it("after a restart that drops every socket, keeps the seats and lets everyone resume", async () => {
    const call = newCall();
    const { host, hostId, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const hostToken = host.all("host_joined_room")[0]?.payload.resume_token ?? "";
    await runInDurableObject(roomStub(call.link), (_instance, state) => {
      try {
        state.abort("simulated restart");
      } catch {
        // abort() throws to stop the current request; the object restarts on the next one.
      }
    }).catch(() => {});
    await host.closedWith().catch(() => {});
    await ann.client.closedWith().catch(() => {});

    const hostBack = await RoomClient.join(host.claims, { resume_token: hostToken });
    const welcome = await hostBack.next("host_joined_room");
    expect(welcome.payload.self.id).toBe(hostId);
    expect(welcome.payload.participants).toMatchObject([{ id: ann.id, name: "Ann", connected: false }]);
    const annBack = await RoomClient.join(ann.client.claims, { resume_token: ann.token });
    expect((await annBack.next("accepted_into_room")).payload.self.id).toBe(ann.id);
    await hostBack.next(
      "participant_updated",
      (f) => f.payload.participant.id === ann.id && f.payload.participant.connected,
    );
    hostBack.close();
    annBack.close();
  });
});

describe("a flood of bad frames", () => {
  it("answers 2 000 malformed or oversized frames, closes the senders with 4008, and the room still serves everyone", async () => {
    const call = newCall();
    const { host, hostId, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    const oversized = JSON.stringify({
      event_type: "send_chat_message",
      payload: { text: "x".repeat(MAX_FRAME_BYTES) },
    });
    const garbage = [
      "not json",
      "{",
      "[]",
      "null",
      '{"event_type":"teleport","payload":{}}',
      '{"event_type":"offer","payload":{"target_id":""}}',
      '{"event_type":"send_chat_message","payload":{"text":""}}',
      oversized,
    ];
    const attackers: RoomClient[] = [];
    const frames = 50;
    for (let i = 0; i < 40; i++)
      attackers.push(await RoomClient.open(claimsFor(call, { name: `Bot ${i}`, guest: true })));
    for (const [i, attacker] of attackers.entries()) {
      for (let n = 0; n < frames; n++) {
        try {
          attacker.sendRaw(
            n % 13 === 0 ? new Uint8Array([1, 2, 3]).buffer : (garbage[(i + n) % garbage.length] ?? ""),
          );
        } catch {
          break; // closed by the room already
        }
      }
    }
    for (const attacker of attackers) {
      expect(await attacker.closedWith()).toBe(CLOSE_CODES.protocol_violation);
      const errors = attacker.all("error");
      expect(errors).toHaveLength(MAX_BAD_FRAMES_IN_A_ROW);
      for (const e of errors) {
        expect(["invalid_message", "unknown_event", "payload_too_large"]).toContain(e.payload.code);
      }
    }
    expect(attackers.flatMap((a) => a.all("error")).some((e) => e.payload.code === "payload_too_large")).toBe(
      true,
    );

    // An admitted person who sends bad frames between good ones is answered but not thrown out.
    for (let n = 0; n < 30; n++)
      ann.client.sendRaw(n % 5 === 4 ? '{"event_type":"raise_hand","payload":{"raised":true}}' : "oops");
    await expect.poll(() => ann.client.all("error").length, { timeout: 10_000 }).toBe(24);
    await ann.client.settle();
    expect(ann.client.all("error")).toHaveLength(24);
    expect(ann.client.closed).toBeNull();

    // Nobody else heard any of it, and the room works for everyone, newcomers included.
    expect(host.all("error")).toEqual([]);
    host.send({ event_type: "send_chat_message", payload: { text: "still fine?" } });
    expect((await ann.client.next("chat_message_received")).payload).toMatchObject({
      sender_id: hostId,
      text: "still fine?",
    });
    const cleo = await RoomClient.join(claimsFor(call, { name: "Cleo" }));
    const cleoId = (await cleo.next("waiting_room")).payload.self.id;
    host.send({ event_type: "accept_participant", payload: { participant_id: cleoId } });
    expect((await cleo.next("accepted_into_room")).payload.participants.map((p) => p.name)).toEqual([
      "Hana",
      "Ann",
    ]);
    for (const c of [host, ann.client, cleo]) c.close();
  });
});

describe("call deletion", () => {
  it("terminate(call_deleted) tells everyone and closes their sockets with 4004", async () => {
    const call = newCall();
    const { host, people } = await callWithAnn(call);
    const ann = people[0];
    if (!ann) throw new Error("no Ann");
    await roomStub(call.link).terminate("call_deleted");
    for (const client of [host, ann.client]) {
      expect((await client.next("call_terminated")).payload).toEqual({
        reason: "call_deleted",
        message: expect.any(String),
      });
      expect(await client.closedWith()).toBe(CLOSE_CODES.terminated);
    }
    const late = await RoomClient.join(claimsFor(call, { name: "Late" }));
    expect((await late.next("call_terminated")).payload.reason).toBe("call_deleted");
  });
});
