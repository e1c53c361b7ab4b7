import { describe, expect, it } from "vitest";
import { claimsFor, newCall, RoomClient } from "./support/room-client";

describe("admission", () => {
  it("smoke: host joins, guest knocks, host admits", async () => {
    const call = newCall();
    const host = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
    const joined = await host.next("host_joined_room");
    expect(joined.payload.self.role).toBe("host");
    const guest = await RoomClient.join(claimsFor(call, { name: "Gil", guest: true }));
    const waiting = await guest.next("waiting_room");
    const knock = await host.next("new_participant_request");
    expect(knock.payload.participant.id).toBe(waiting.payload.self.id);
    host.send({ event_type: "accept_participant", payload: { participant_id: waiting.payload.self.id } });
    const accepted = await guest.next("accepted_into_room");
    expect(accepted.payload.participants.map((p) => p.name)).toEqual(["Hana"]);
    await host.next("new_participant");
  });
});
