import { describe, expect, it, vi } from "vitest";
import { authResultSchema, ticketResultSchema } from "../../src/protocol/rest";
import type { ServerFrame } from "../../src/protocol/room";
import { bodyOf, clientPassword, createCall, send, signUp, uniqueEmail, warmUp } from "./support/api-helpers";
import { scaled } from "./support/fuzz-soak";
import { claimsFor, outboxSize, RoomClient, runAlarmAhead, type TestCall } from "./support/room-client";

const ROOMS = 50;
const PEOPLE_PER_ROOM = 4;
const DURATION_MS = scaled(20_000, 120_000);
/** Pause between one room's actions: a few frames per socket per second, far under the 50/s limit. */
const ACTION_GAP_MS = 250;
const DELIVERY_TIMEOUT_MS = 15_000;

vi.setConfig({ testTimeout: DURATION_MS + 600_000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seat {
  client: RoomClient;
  id: string;
}

interface Figures {
  sockets: number;
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  errors: number;
  joins: number;
  leaves: number;
}

/** Waits until `client` has a frame matching `match`; false after the timeout (a lost frame). */
async function arrives(client: RoomClient, match: (f: ServerFrame) => boolean): Promise<boolean> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (client.frames.some(match)) return true;
    await sleep(25);
  }
  return false;
}

/**
 * One room for the whole run: relays, chat, media changes and people leaving and joining. The call is a
 * real row (its records must reach Postgres); everyone but the host joins as a guest, who has no row.
 */
async function runRoom(call: TestCall, index: number, until: number, figures: Figures): Promise<void> {
  const everyone: RoomClient[] = [];
  const open = async (who: { name: string; sub?: string; guest?: boolean }) => {
    const client = await RoomClient.join(claimsFor(call, who));
    everyone.push(client);
    figures.sockets++;
    figures.sent++;
    return client;
  };
  const hostClient = await open({ name: "Host", sub: call.hostUserId });
  const host: Seat = { client: hostClient, id: (await hostClient.next("host_joined_room")).payload.self.id };
  let joined = 0;
  const admitOne = async (): Promise<Seat> => {
    const client = await open({ name: `P${index}-${joined++}`, guest: true });
    const id = (await client.next("waiting_room")).payload.self.id;
    host.client.send({ event_type: "accept_participant", payload: { participant_id: id } });
    figures.sent++;
    await client.next("accepted_into_room");
    figures.joins++;
    return { client, id };
  };
  const members: Seat[] = [host];
  while (members.length < PEOPLE_PER_ROOM) members.push(await admitOne());

  const expectAt = async (to: Seat, match: (f: ServerFrame) => boolean) => {
    figures.expected++;
    if (await arrives(to.client, match)) figures.delivered++;
    else figures.lost++;
  };

  for (let step = 0; Date.now() < until; step++) {
    const action = step % 10;
    const key = `${index}:${step}`;
    const from = members[step % members.length] as Seat;
    const to = members[(step + 1) % members.length] as Seat;
    if (action < 5) {
      const type = action % 2 === 0 ? "offer" : "answer";
      from.client.send({ event_type: type, payload: { target_id: to.id, data: { type, sdp: key } } });
      from.client.send({
        event_type: "ice_candidate",
        payload: { target_id: to.id, data: [{ candidate: `candidate:${key}`, sdpMid: "0" }] },
      });
      figures.sent += 2;
      await expectAt(to, (f) => f.event_type === type && f.payload.data.sdp === key);
      await expectAt(
        to,
        (f) =>
          f.event_type === "ice_candidate" &&
          Array.isArray(f.payload.data) &&
          f.payload.data[0]?.candidate === `candidate:${key}`,
      );
    } else if (action < 8) {
      from.client.send({ event_type: "send_chat_message", payload: { text: key } });
      figures.sent++;
      // Everyone admitted hears it, the sender included.
      await Promise.all(
        members.map((m) =>
          expectAt(m, (f) => f.event_type === "chat_message_received" && f.payload.text === key),
        ),
      );
    } else if (action === 8) {
      from.client.send({ event_type: "media_state", payload: { video: step % 4 === 0 } });
      figures.sent++;
      await Promise.all(
        members
          .filter((m) => m !== from)
          .map((m) =>
            expectAt(
              m,
              (f) => f.event_type === "participant_updated" && f.payload.participant.id === from.id,
            ),
          ),
      );
    } else {
      // Churn: someone (never the host) leaves for good and a newcomer is admitted.
      const leaverIndex = 1 + (step % (members.length - 1));
      const [leaver] = members.splice(leaverIndex, 1) as [Seat];
      leaver.client.send({ event_type: "leave_room", payload: {} });
      figures.sent++;
      await expectAt(leaver, (f) => f.event_type === "left_room");
      await Promise.all(
        members.map((m) =>
          expectAt(m, (f) => f.event_type === "participant_left" && f.payload.participant_id === leaver.id),
        ),
      );
      figures.leaves++;
      members.push(await admitOne());
    }
    await sleep(ACTION_GAP_MS);
  }
  // Everyone leaves properly, so each stay ends and its record is complete.
  for (const member of members) {
    member.client.send({ event_type: "leave_room", payload: {} });
    figures.sent++;
    await expectAt(member, (f) => f.event_type === "left_room");
  }
  for (const client of everyone) {
    figures.errors += client.all("error").length;
    // A relayed frame or chat line arriving twice is as wrong as one lost.
    const seen = new Set<string>();
    for (const f of client.frames) {
      const key =
        f.event_type === "chat_message_received"
          ? `chat:${f.payload.text}`
          : f.event_type === "offer" || f.event_type === "answer"
            ? `${f.event_type}:${f.payload.data.sdp}`
            : null;
      if (key === null) continue;
      if (seen.has(key)) figures.duplicates++;
      seen.add(key);
    }
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

describe("load", () => {
  it(`${ROOMS * PEOPLE_PER_ROOM} sockets across ${ROOMS} rooms with joins, leaves, relays and chat: 0 lost frames, 0 errors`, async () => {
    const figures: Figures = {
      sockets: 0,
      sent: 0,
      expected: 0,
      delivered: 0,
      lost: 0,
      duplicates: 0,
      errors: 0,
      joins: 0,
      leaves: 0,
    };
    await warmUp();
    const host = await signUp("Load Host");
    const calls: TestCall[] = await Promise.all(
      Array.from({ length: ROOMS }, async (_, i) => {
        const made = await createCall(host, { title: `Load ${i}`, allow_guests: true });
        return { id: made.id, link: made.link, title: made.title, hostUserId: host.user.id };
      }),
    );
    const started = Date.now();
    const until = started + DURATION_MS;
    await Promise.all(calls.map((call, i) => runRoom(call, i, until, figures)));
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `load: ${ROOMS} rooms × ${PEOPLE_PER_ROOM} people for ${seconds} s, ${figures.sockets} sockets opened ` +
        `(${figures.joins} admissions, ${figures.leaves} leaves): ${figures.sent} frames sent, ` +
        `${figures.delivered}/${figures.expected} expected deliveries arrived, ${figures.lost} lost, ` +
        `${figures.duplicates} duplicates, ${figures.errors} errors`,
    );
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBe(0);
    expect(figures.errors).toBe(0);
    expect(figures.leaves).toBeGreaterThan(0);

    // Every stay of the run reaches Postgres. Under heavy load some flushes time out and back off (at most
    // 10 minutes); an hour on the rooms' clocks makes every retry due.
    const queued = await Promise.all(calls.map((call) => outboxSize(call.link)));
    const records = queued.reduce((a, b) => a + b, 0);
    let left = records;
    for (let round = 1; round <= 3 && left > 0; round++) {
      await Promise.all(
        calls.map(async (call) => {
          await runAlarmAhead(call.link, round * 60 * 60_000);
        }),
      );
      left = (await Promise.all(calls.map((call) => outboxSize(call.link)))).reduce((a, b) => a + b, 0);
    }
    console.log(
      `load: every participant record reached Postgres (the ${records} still queued at the end were ` +
        `written by the next flush; ${left} left over)`,
    );
    expect(left).toBe(0);
  });

  it("100 concurrent logins, then 100 concurrent ticket requests, against the real PostgreSQL: 0 errors", async () => {
    const host = await signUp("Load Host");
    const target = await createCall(host, { title: "Load", allow_guests: true });
    // Accounts are made in small batches (sign-up is not what this measures).
    const accounts: { email: string; password: string }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const account = { name: "Load Person", email: uniqueEmail("load"), password: clientPassword() };
          const response = await send("POST", "/api/auth/signup", account);
          expect(response.status).toBe(201);
          await response.body?.cancel();
          return account;
        }),
      );
      accounts.push(...made);
    }

    const timed = async <T>(work: () => Promise<T>) => {
      const start = Date.now();
      const value = await work();
      return { value, ms: Date.now() - start };
    };
    const logins = await Promise.all(
      accounts.map(({ email, password }) =>
        timed(async () => {
          const response = await send("POST", "/api/auth/login", { email, password });
          return {
            status: response.status,
            body: response.status === 200 ? await bodyOf(response, authResultSchema) : null,
          };
        }),
      ),
    );
    const loginStatuses = logins.map((l) => l.value.status);
    expect(loginStatuses.filter((s) => s !== 200)).toEqual([]);

    const tickets = await Promise.all(
      logins.map((l) =>
        timed(async () => {
          const token = l.value.body?.access_token ?? "";
          const response = await send("POST", `/api/calls/${target.link}/ticket`, {}, { token });
          const body = response.status === 200 ? await bodyOf(response, ticketResultSchema) : null;
          return { status: response.status, ticket: body?.ticket };
        }),
      ),
    );
    expect(tickets.map((t) => t.value.status).filter((s) => s !== 200)).toEqual([]);
    expect(new Set(tickets.map((t) => t.value.ticket)).size).toBe(100);

    const summary = (runs: { ms: number }[]) => {
      const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
      return `p50 ${percentile(sorted, 0.5)} ms, p95 ${percentile(sorted, 0.95)} ms, max ${sorted.at(-1)} ms`;
    };
    console.log(
      `load: 100 concurrent logins → ${loginStatuses.filter((s) => s === 200).length}×200, 0 errors (${summary(logins)}); ` +
        `100 concurrent ticket requests → ${tickets.filter((t) => t.value.status === 200).length}×200, 0 errors (${summary(tickets)})`,
    );
  });
});
