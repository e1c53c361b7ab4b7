import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { RESUME_GRACE_MS } from "../../src/protocol/room";
import {
  admittedCall,
  claimsFor,
  newCall,
  RoomClient,
  roomStub,
  runAlarmAhead,
  type Seat,
  type TestCall,
} from "./support/room-client";

// Real sockets on a shared, sometimes heavily loaded machine.
vi.setConfig({ testTimeout: 60_000 });

/** Hana (host) with Ann and the guest Gil admitted. */
async function liveCall(call: TestCall) {
  const { host: hana, people } = await admittedCall(call, { name: "Ann" }, { name: "Gil", guest: true });
  const [ann, gil] = people;
  return { hana, ann, gil };
}

/** `from` offers to `to`, which answers; both see the other's id as sender. */
async function negotiate(from: Seat, to: Seat): Promise<void> {
  from.client.send({
    event_type: "offer",
    payload: { target_id: to.id, data: { type: "offer", sdp: "v=0" } },
  });
  expect((await to.client.next("offer")).payload.sender_id).toBe(from.id);
  to.client.send({
    event_type: "answer",
    payload: { target_id: from.id, data: { type: "answer", sdp: "v=0" } },
  });
  expect((await from.client.next("answer")).payload.sender_id).toBe(to.id);
}

describe("the room object restarted mid-call", () => {
  it("rebuilds the call from storage: all three resume their own seats with their state, and a knock is asked again", async () => {
    const call = newCall();
    const { hana, ann, gil } = await liveCall(call);
    ann.client.send({ event_type: "media_state", payload: { audio: true, video: true } });
    gil.client.send({ event_type: "raise_hand", payload: { raised: true } });
    await hana.client.next("participant_updated", (f) => f.payload.participant.hand_raised);
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    await bob.next("waiting_room");

    // A restart of the object (deploy, eviction, crash) drops every socket at once.
    await runInDurableObject(roomStub(call.link), (_instance, state) => {
      try {
        state.abort("simulated restart");
      } catch {
        // abort() throws to end the current request; the object starts afresh on the next one.
      }
    }).catch(() => {});
    for (const c of [hana.client, ann.client, gil.client, bob]) await c.closedWith().catch(() => {});

    const resumed: Record<string, Seat> = {};
    for (const [name, seat] of Object.entries({ hana, ann, gil })) {
      const client = await RoomClient.join(seat.client.claims, { resume_token: seat.token });
      const self =
        name === "hana"
          ? (await client.next("host_joined_room")).payload.self
          : (await client.next("accepted_into_room")).payload.self;
      expect(self.id, `${name} keeps the seat`).toBe(seat.id);
      expect(client.all("waiting_room")).toEqual([]);
      resumed[name] = { client, id: self.id, token: seat.token };
    }
    const [hana2, ann2, gil2] = [resumed.hana, resumed.ann, resumed.gil] as [Seat, Seat, Seat];
    // State survived: Ann's media and Gil's raised hand, as the last one back sees them.
    const roster = gil2.client.all("accepted_into_room")[0]?.payload.participants ?? [];
    expect(roster.find((p) => p.id === ann.id)).toMatchObject({ audio: true, video: true });
    expect(gil2.client.all("accepted_into_room")[0]?.payload.self.hand_raised).toBe(true);

    // Bob's knock went with his socket; knocking again reaches the host.
    const bobAgain = await RoomClient.join(bob.claims);
    const bobId = (await bobAgain.next("waiting_room")).payload.self.id;
    await hana2.client.next("new_participant_request", (f) => f.payload.participant.id === bobId);

    // The call works as before: renegotiation between every pair, chat to all.
    await negotiate(ann2, hana2);
    await negotiate(gil2, hana2);
    await negotiate(gil2, ann2);
    ann2.client.send({ event_type: "send_chat_message", payload: { text: "we're back" } });
    for (const seat of [hana2, gil2])
      expect((await seat.client.next("chat_message_received")).payload.text).toBe("we're back");
    console.log(
      "room restart: 4 sockets dropped, 3 of 3 seats resumed with the same ids and media/hand state, " +
        "1 knock asked again, 3 of 3 pairs renegotiated, chat delivered",
    );
    for (const c of [hana2.client, ann2.client, gil2.client, bobAgain]) c.close();
  });
});

describe("the host's socket killed", () => {
  it("the call goes on and knocks queue until the host's socket resumes; a cancelled knock is not shown", async () => {
    const call = newCall();
    const { hana, ann, gil } = await liveCall(call);
    hana.client.close();
    for (const seat of [ann, gil]) {
      const away = await seat.client.next("participant_updated", (f) => f.payload.participant.id === hana.id);
      expect(away.payload.participant.connected).toBe(false);
    }

    // Without the host, the others still talk and negotiate.
    await negotiate(gil, ann);
    gil.client.send({ event_type: "send_chat_message", payload: { text: "where's Hana?" } });
    expect((await ann.client.next("chat_message_received")).payload.text).toBe("where's Hana?");

    // Two knocks with no host connected; one gives up.
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    const bobId = (await bob.next("waiting_room")).payload.self.id;
    const cleo = await RoomClient.join(claimsFor(call, { name: "Cleo" }));
    await cleo.next("waiting_room");
    cleo.send({ event_type: "leave_room", payload: {} });
    await cleo.next("left_room");
    // Only hosts hear about knocks.
    for (const seat of [ann, gil]) {
      await seat.client.settle();
      expect(seat.client.all("new_participant_request")).toEqual([]);
    }

    const back = await RoomClient.join(hana.client.claims, { resume_token: hana.token });
    const welcome = await back.next("host_joined_room");
    expect(welcome.payload.self.id).toBe(hana.id);
    expect(welcome.payload.waiting.map((p) => [p.id, p.name])).toEqual([[bobId, "Bob"]]);
    expect((await back.next("new_participant_request")).payload.participant.id).toBe(bobId);
    back.send({ event_type: "accept_participant", payload: { participant_id: bobId } });
    const accepted = await bob.next("accepted_into_room");
    expect(accepted.payload.participants.map((p) => p.name).sort()).toEqual(["Ann", "Gil", "Hana"]);
    console.log(
      "host socket killed: call went on (1 renegotiation, chat), 2 knocks without a host, 1 cancelled, " +
        "the resumed host saw exactly the 1 still waiting and admitted it",
    );
    for (const c of [back, ann.client, gil.client, bob]) c.close();
  });

  it("past the grace the host's seat goes, the call still goes on, and the host's next connection sees the queue", async () => {
    const call = newCall();
    const { hana, ann, gil } = await liveCall(call);
    hana.client.close();
    await ann.client.next("participant_updated", (f) => f.payload.participant.id === hana.id);
    const bob = await RoomClient.join(claimsFor(call, { name: "Bob" }));
    const bobId = (await bob.next("waiting_room")).payload.self.id;
    expect(await runAlarmAhead(call.link, RESUME_GRACE_MS + 1_000)).toBe(true);
    for (const seat of [ann, gil]) {
      expect((await seat.client.next("participant_left")).payload).toEqual({
        participant_id: hana.id,
        reason: "disconnected",
      });
    }
    gil.client.send({ event_type: "send_emoji", payload: { emoji: "👋" } });
    expect((await ann.client.next("emoji_received")).payload.sender_id).toBe(gil.id);

    // A fresh ticket, no resume token: a new seat for the host, who still sees the waiting Bob.
    const fresh = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    const welcome = await fresh.next("host_joined_room");
    expect(welcome.payload.self.id).not.toBe(hana.id);
    expect(welcome.payload.participants.map((p) => p.name).sort()).toEqual(["Ann", "Gil"]);
    expect(welcome.payload.waiting.map((p) => p.id)).toEqual([bobId]);
    fresh.send({ event_type: "accept_participant", payload: { participant_id: bobId } });
    await bob.next("accepted_into_room");
    for (const c of [fresh, ann.client, gil.client, bob]) c.close();
  });
});
