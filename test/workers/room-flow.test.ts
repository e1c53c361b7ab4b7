import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { issueTicket } from "../../src/domain/tickets";
import { CLOSE_CODES, MAX_KNOCK_OFFER_LENGTH, PING_FRAME, PONG_FRAME } from "../../src/protocol/room";
import type { RoomState } from "../../src/room/state";
import { claimsFor, newCall, RoomClient, roomStub, socketUrl } from "./support/room-client";

const upgrade = (url: string) =>
  exports.default.fetch(new Request(url, { headers: { Upgrade: "websocket" } }));

describe("opening a room socket", () => {
  it("refuses a missing, forged, expired or other call's ticket with 401 before any upgrade", async () => {
    const call = newCall();
    const claims = claimsFor(call, { name: "Ann" });
    const tickets = [
      "",
      await issueTicket("another-secret-that-is-long-enough-0123456789", claims),
      await issueTicket(env.JWT_SECRET, claims, Date.now() - 120_000),
      await issueTicket(env.JWT_SECRET, { ...claims, call_link: "some-other-call" }),
      "not.a.jwt",
    ];
    for (const ticket of tickets) {
      const response = await upgrade(socketUrl(call.link, ticket));
      expect(response.status).toBe(401);
      expect(response.webSocket).toBeNull();
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  it("places the room with the ticket's location hint, and ignores a hint that is not one", async () => {
    const call = newCall();
    for (const hint of ["weur", "not-a-region"]) {
      const client = await RoomClient.join({
        ...claimsFor(call, { name: "Hana", sub: call.hostUserId }),
        location_hint: hint,
      });
      expect((await client.next("host_joined_room")).payload.self.role).toBe("host");
      client.close();
    }
  });

  it("answers the exact ping frame with the exact pong frame", async () => {
    const call = newCall();
    const client = await RoomClient.open(claimsFor(call, { name: "Ann" }));
    const raw = new Promise<string>((resolve) =>
      client.ws.addEventListener("message", (e: MessageEvent) => resolve(String(e.data)), { once: true }),
    );
    client.sendRaw(PING_FRAME);
    expect(await raw).toBe(PONG_FRAME);
    client.close();
  });
});

describe("a three-person call", () => {
  it("runs the whole admission flow, relays signalling and chat, and ends for everyone", async () => {
    const call = newCall("Design review");
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }), {
      audio: true,
    });
    const hostWelcome = await host.next("host_joined_room");
    expect(hostWelcome.payload).toMatchObject({
      call_id: call.id,
      self: { name: "Hana", role: "host", audio: true },
      participants: [],
      waiting: [],
    });

    const ann = await RoomClient.join(claimsFor(call, { name: "Ann" }));
    const annWaiting = await ann.next("waiting_room");
    const annId = annWaiting.payload.self.id;
    expect((await host.next("new_participant_request")).payload.participant).toMatchObject({
      id: annId,
      name: "Ann",
    });
    host.send({ event_type: "accept_participant", payload: { participant_id: annId } });
    const annIn = await ann.next("accepted_into_room");
    expect(annIn.payload.participants.map((p) => p.name)).toEqual(["Hana"]);
    expect((await host.next("new_participant")).payload.participant.id).toBe(annId);

    const gil = await RoomClient.join(claimsFor(call, { name: "Gil", guest: true }));
    const gilId = (await gil.next("waiting_room")).payload.self.id;
    await host.next("new_participant_request", (f) => f.payload.participant.id === gilId);
    expect(ann.all("new_participant_request")).toEqual([]);
    host.send({ event_type: "accept_participant", payload: { participant_id: gilId } });
    const gilIn = await gil.next("accepted_into_room");
    expect(gilIn.payload.self).toMatchObject({ guest: true, user_id: null, role: "participant" });
    expect(gilIn.payload.participants.map((p) => p.name).sort()).toEqual(["Ann", "Hana"]);
    await ann.next("new_participant", (f) => f.payload.participant.id === gilId);

    // The newcomer offers to everyone listed; they answer; candidates flow both ways.
    const hostId = hostWelcome.payload.self.id;
    gil.send({
      event_type: "offer",
      payload: { target_id: hostId, data: { type: "offer", sdp: "gil→hana" } },
    });
    gil.send({ event_type: "offer", payload: { target_id: annId, data: { type: "offer", sdp: "gil→ann" } } });
    expect((await host.next("offer")).payload).toEqual({
      sender_id: gilId,
      data: { type: "offer", sdp: "gil→hana" },
    });
    expect((await ann.next("offer")).payload.data.sdp).toBe("gil→ann");
    ann.send({
      event_type: "answer",
      payload: { target_id: gilId, data: { type: "answer", sdp: "ann→gil" } },
    });
    expect((await gil.next("answer")).payload).toEqual({
      sender_id: annId,
      data: { type: "answer", sdp: "ann→gil" },
    });
    const candidates = [
      { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", sdpMid: "0", sdpMLineIndex: 0 },
      {
        candidate: "candidate:2 1 udp 1686052607 198.51.100.7 54400 typ srflx",
        sdpMid: "0",
        sdpMLineIndex: 0,
      },
    ];
    ann.send({ event_type: "ice_candidate", payload: { target_id: gilId, data: candidates } });
    expect((await gil.next("ice_candidate")).payload).toEqual({ sender_id: annId, data: candidates });

    gil.send({ event_type: "media_state", payload: { video: true } });
    expect((await ann.next("participant_updated")).payload.participant).toMatchObject({
      id: gilId,
      video: true,
    });
    ann.send({ event_type: "raise_hand", payload: { raised: true } });
    await host.next(
      "participant_updated",
      (f) => f.payload.participant.id === annId && f.payload.participant.hand_raised,
    );
    host.send({ event_type: "send_chat_message", payload: { text: "Welcome both" } });
    for (const client of [host, ann, gil]) {
      expect((await client.next("chat_message_received")).payload).toMatchObject({
        sender_id: hostId,
        sender_name: "Hana",
        text: "Welcome both",
      });
    }
    ann.send({ event_type: "send_emoji", payload: { emoji: "🎉" } });
    expect((await gil.next("emoji_received")).payload).toEqual({ sender_id: annId, emoji: "🎉" });

    // Nobody but the target sees a relayed offer.
    expect(ann.all("offer").map((f) => f.payload.data.sdp)).toEqual(["gil→ann"]);

    host.send({ event_type: "end_call", payload: {} });
    for (const client of [host, ann, gil]) {
      expect((await client.next("call_terminated")).payload.reason).toBe("ended_by_host");
      expect(await client.closedWith()).toBe(CLOSE_CODES.terminated);
    }
  });

  it("enforces who may do what: not_in_room for a knock, not_host for a participant", async () => {
    const call = newCall();
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    const hostId = (await host.next("host_joined_room")).payload.self.id;
    const ann = await RoomClient.join(claimsFor(call, { name: "Ann" }));
    const annId = (await ann.next("waiting_room")).payload.self.id;
    ann.send({ event_type: "offer", payload: { target_id: hostId, data: { type: "offer", sdp: "sneaky" } } });
    expect((await ann.next("error")).payload).toMatchObject({ code: "not_in_room", event_type: "offer" });
    ann.send({ event_type: "send_chat_message", payload: { text: "hello?" } });
    expect((await ann.next("error")).payload.code).toBe("not_in_room");

    host.send({ event_type: "accept_participant", payload: { participant_id: annId } });
    await ann.next("accepted_into_room");
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    const bobId = (await bob.next("waiting_room")).payload.self.id;
    ann.send({ event_type: "accept_participant", payload: { participant_id: bobId } });
    expect((await ann.next("error")).payload).toMatchObject({
      code: "not_host",
      event_type: "accept_participant",
    });
    ann.send({ event_type: "remove_participant", payload: { participant_id: hostId } });
    expect((await ann.next("error")).payload.code).toBe("not_host");
    ann.send({ event_type: "end_call", payload: {} });
    expect((await ann.next("error")).payload.code).toBe("not_host");
    await host.settle();
    expect(host.all("offer")).toEqual([]);
    expect(host.all("chat_message_received")).toEqual([]);

    host.send({ event_type: "decline_participant", payload: { participant_id: bobId, reason: "Not today" } });
    expect((await bob.next("declined_from_room")).payload).toEqual({ reason: "Not today" });
    expect(await bob.closedWith()).toBe(CLOSE_CODES.removed);
    host.send({ event_type: "remove_participant", payload: { participant_id: annId } });
    await ann.next("removed_from_room");
    expect(await ann.closedWith()).toBe(CLOSE_CODES.removed);
    expect((await host.next("participant_left")).payload).toEqual({
      participant_id: annId,
      reason: "removed",
    });
    host.close();
  });

  it("holds a knock's offer, tells nobody, and gives it to the first person listed on admission", async () => {
    const call = newCall();
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    const hostId = (await host.next("host_joined_room")).payload.self.id;
    const ann = await RoomClient.join(claimsFor(call, { name: "Ann" }));
    const annId = (await ann.next("waiting_room")).payload.self.id;
    await host.next("new_participant_request");
    ann.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp: "ann->hana" } } });
    // Held (read from the room itself: workerd may reorder one socket's frames, so a ping is no barrier).
    const held = () =>
      runInDurableObject(
        roomStub(call.link),
        (room) => (room as unknown as { state: RoomState }).state.knockOffers[annId],
      );
    await vi.waitFor(async () => expect(await held()).toBe("ann->hana"));
    await ann.settle();
    await host.settle();
    // Nothing leaves the room before admission, and the knock gets no reply either.
    expect(host.all("offer")).toEqual([]);
    expect(ann.all("error")).toEqual([]);

    host.send({ event_type: "accept_participant", payload: { participant_id: annId } });
    const annIn = await ann.next("accepted_into_room");
    expect(annIn.payload.offer_sent_to).toBe(hostId);
    expect(annIn.payload.participants.map((p) => p.id)).toEqual([hostId]);
    // The host hears of the newcomer first, then gets the offer it made while knocking.
    await host.next("new_participant");
    expect((await host.next("offer")).payload).toEqual({
      sender_id: annId,
      data: { type: "offer", sdp: "ann->hana" },
    });

    // Once in, a knock offer that crossed the admission is dropped quietly; the offer goes the usual way.
    ann.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp: "late" } } });
    await ann.settle();
    await host.settle();
    expect(ann.all("error")).toEqual([]);
    expect(host.all("offer").map((f) => f.payload.data.sdp)).toEqual(["ann->hana"]);

    // A knock that offered, withdrew and knocked again without offering: nothing is sent on admission.
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    await bob.next("waiting_room");
    bob.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp: "bob, withdrawn" } } });
    await bob.settle();
    bob.close();
    const bobAgain = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    const bobId = (await bobAgain.next("waiting_room")).payload.self.id;
    host.send({ event_type: "accept_participant", payload: { participant_id: bobId } });
    const bobIn = await bobAgain.next("accepted_into_room");
    expect(bobIn.payload.offer_sent_to).toBeUndefined();
    await host.next("new_participant", (f) => f.payload.participant.id === bobId);
    await ann.next("new_participant", (f) => f.payload.participant.id === bobId);
    await host.settle();
    expect(host.all("offer").map((f) => f.payload.data.sdp)).toEqual(["ann->hana"]);
    expect(ann.all("offer")).toEqual([]);
    for (const client of [host, ann, bobAgain]) client.close();
  });

  it("refuses a knock offer that is not an offer, or from a socket that has not knocked", async () => {
    const call = newCall();
    const stranger = await RoomClient.open(claimsFor(call, { name: "Sam" }));
    stranger.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp: "too early" } } });
    expect((await stranger.next("error")).payload).toMatchObject({
      code: "not_in_room",
      event_type: "knock_offer",
    });
    const ann = await RoomClient.join(claimsFor(call, { name: "Ann" }));
    await ann.next("waiting_room");
    const tooLong = "v".repeat(MAX_KNOCK_OFFER_LENGTH + 1);
    for (const data of [
      { type: "answer", sdp: "x" },
      { type: "offer" },
      { type: "offer", sdp: "" },
      { type: "offer", sdp: tooLong },
    ]) {
      ann.sendRaw(JSON.stringify({ event_type: "knock_offer", payload: { data } }));
      expect((await ann.next("error")).payload).toMatchObject({
        code: "invalid_message",
        event_type: "knock_offer",
      });
    }
    stranger.close();
    ann.close();
  });

  it("shows a host who arrives late everyone who knocked, and drops a knock that was withdrawn", async () => {
    const call = newCall();
    const ann = await RoomClient.join(claimsFor(call, { name: "Ann" }));
    const annId = (await ann.next("waiting_room")).payload.self.id;
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob", guest: true }));
    const bobId = (await bob.next("waiting_room")).payload.self.id;
    const cleo = await RoomClient.join(claimsFor(call, { name: "Cleo" }));
    await cleo.next("waiting_room");
    cleo.send({ event_type: "leave_room", payload: {} });
    await cleo.next("left_room");
    expect(await cleo.closedWith()).toBe(CLOSE_CODES.normal);

    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    const welcome = await host.next("host_joined_room");
    expect(welcome.payload.waiting.map((p) => p.id)).toEqual([annId, bobId]);
    await host.next("new_participant_request", (f) => f.payload.participant.id === annId);
    await host.next("new_participant_request", (f) => f.payload.participant.id === bobId);

    bob.close();
    expect((await host.next("participant_request_cancelled")).payload.participant_id).toBe(bobId);
    host.send({ event_type: "accept_participant", payload: { participant_id: annId } });
    expect((await ann.next("accepted_into_room")).payload.participants.map((p) => p.name)).toEqual(["Hana"]);
    host.close();
    ann.close();
  });
});
