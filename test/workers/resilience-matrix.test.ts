import { env, exports } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueAccessToken } from "../../src/domain/access-tokens";
import { issueTicket } from "../../src/domain/tickets";
import { type Call, ticketResultSchema } from "../../src/protocol/rest";
import type { ClientFrame, ServerFrame } from "../../src/protocol/room";
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
import { Tally } from "./support/fuzz-inputs";
import { expectRateLimited, freshIp } from "./support/limits";
import { claimsFor, newCall, RoomClient, socketUrl, type TestCall } from "./support/room-client";

// Real sockets and PostgreSQL on a shared, sometimes heavily loaded machine.
vi.setConfig({ testTimeout: 60_000 });

const outcomes = new Tally();
afterAll(() => {
  console.log(`who may do what: ${outcomes.total} cells checked, all as the table says (${outcomes})`);
});

// ---------------------------------------------------------------- REST

type RestActor = "stranger" | "guest" | "participant" | "other host" | "host" | "expired" | "forged";
const REST_ACTORS: RestActor[] = [
  "stranger",
  "guest",
  "participant",
  "other host",
  "host",
  "expired",
  "forged",
];

interface World {
  host: TestUser;
  participant: TestUser;
  otherHost: TestUser;
  target: Call;
  /** Deleted by its host in the matrix's last row. */
  doomed: Call;
  membersOnly: Call;
  guestTicket: string;
  expired: string;
  forged: string;
}

let world: World;

beforeAll(async () => {
  await warmUp();
  const [host, participant, otherHost] = await Promise.all([
    signUp("Hana Host"),
    signUp("Pat Participant"),
    signUp("Olga Other"),
  ]);
  const target = await createCall(host, { title: "Matrix", allow_guests: true });
  const doomed = await createCall(host, { title: "Doomed", allow_guests: true });
  const membersOnly = await createCall(host, { title: "Members only", allow_guests: false });
  await createCall(otherHost, { title: "Elsewhere" });
  const ticket = await send("POST", `/api/calls/${target.link}/ticket`, { display_name: "Gil Guest" });
  const guestTicket = (await bodyOf(ticket, ticketResultSchema)).ticket;
  const { sub, sid } = decodeJwt(host.token) as { sub: string; sid: string };
  const expired = await issueAccessToken(
    env.JWT_SECRET,
    { userId: sub, sessionFamily: sid },
    Date.now() - 16 * 60_000,
  );
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({ sid })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer("vcme")
    .setAudience("vcme:access")
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode("not-the-server-secret-not-the-server-secret"));
  world = { host, participant, otherHost, target, doomed, membersOnly, guestTicket, expired, forged };
}, 60_000);

function bearerOf(actor: RestActor): string | undefined {
  return {
    stranger: undefined,
    guest: world.guestTicket,
    participant: world.participant.token,
    "other host": world.otherHost.token,
    host: world.host.token,
    expired: world.expired,
    forged: world.forged,
  }[actor];
}

/** One row: an endpoint and the status each actor gets. */
interface RestRow {
  what: string;
  request: (actor: RestActor) => Promise<Response>;
  expect: Record<RestActor, number>;
}

const asActor = (method: string, path: () => string, body?: () => unknown) => (actor: RestActor) => {
  const token = bearerOf(actor);
  return send(method, path(), body?.(), token ? { token } : {});
};

const signedInOnly = (ok: number): Record<RestActor, number> => ({
  stranger: 401,
  guest: 401,
  participant: ok,
  "other host": ok,
  host: ok,
  expired: 401,
  forged: 401,
});
const hostOnly = (ok: number): Record<RestActor, number> => ({
  ...signedInOnly(403),
  host: ok,
});

const REST_ROWS: RestRow[] = [
  {
    what: "GET /api/calls/:link (public join page)",
    request: asActor("GET", () => `/api/calls/${world.target.link}`),
    // Public: a bad token is not even looked at.
    expect: {
      stranger: 200,
      guest: 200,
      participant: 200,
      "other host": 200,
      host: 200,
      expired: 200,
      forged: 200,
    },
  },
  {
    what: "POST /api/calls",
    request: asActor(
      "POST",
      () => "/api/calls",
      () => ({ title: "Mine" }),
    ),
    expect: signedInOnly(201),
  },
  { what: "GET /api/calls", request: asActor("GET", () => "/api/calls"), expect: signedInOnly(200) },
  {
    what: "PATCH /api/calls/:link",
    request: asActor(
      "PATCH",
      () => `/api/calls/${world.target.link}`,
      () => ({ title: "Renamed" }),
    ),
    expect: hostOnly(200),
  },
  {
    what: "POST /api/calls/:link/ticket (guests allowed)",
    request: asActor(
      "POST",
      () => `/api/calls/${world.target.link}/ticket`,
      () => ({ display_name: "Someone" }),
    ),
    // A stranger joins as a guest; a call ticket is not an account and cannot be used as one.
    expect: { ...signedInOnly(200), stranger: 200 },
  },
  {
    what: "POST /api/calls/:link/ticket (account-only call)",
    request: asActor(
      "POST",
      () => `/api/calls/${world.membersOnly.link}/ticket`,
      () => ({ display_name: "Someone" }),
    ),
    expect: signedInOnly(200),
  },
  {
    what: "GET /api/ice-servers",
    request: asActor("GET", () => "/api/ice-servers"),
    // The one place a call ticket is a credential: a guest needs TURN too.
    expect: { ...signedInOnly(200), guest: 200 },
  },
  { what: "GET /api/call-logs", request: asActor("GET", () => "/api/call-logs"), expect: signedInOnly(200) },
  { what: "GET /api/me", request: asActor("GET", () => "/api/me"), expect: signedInOnly(200) },
  {
    what: "PATCH /api/me",
    request: asActor(
      "PATCH",
      () => "/api/me",
      () => ({ name: "Same Name" }),
    ),
    expect: signedInOnly(200),
  },
  {
    what: "POST /api/me/password (wrong current password)",
    request: asActor(
      "POST",
      () => "/api/me/password",
      () => ({ current_password: "0".repeat(64), new_password: "1".repeat(64) }),
    ),
    expect: signedInOnly(403),
  },
  {
    what: "POST /api/auth/refresh (own refresh cookie, or a made-up one)",
    request: (actor) => {
      const cookie =
        actor === "host"
          ? world.host.cookie
          : actor === "participant"
            ? world.participant.cookie
            : actor === "other host"
              ? world.otherHost.cookie
              : actor === "stranger" || actor === "guest"
                ? undefined
                : `vcme_refresh=${bearerOf(actor)}`;
      return send("POST", "/api/auth/refresh", undefined, cookie ? { cookie } : {});
    },
    expect: signedInOnly(200),
  },
  {
    what: "GET /api/calls/:link/ws (socket upgrade)",
    request: async (actor) => {
      const ticketOf = async (token: string | undefined, link: string) => {
        const r = await send(
          "POST",
          `/api/calls/${link}/ticket`,
          token ? {} : { display_name: "Gil" },
          token ? { token } : {},
        );
        return (await bodyOf(r, ticketResultSchema)).ticket;
      };
      const ticket =
        actor === "guest"
          ? world.guestTicket
          : actor === "participant" || actor === "host"
            ? await ticketOf(bearerOf(actor), world.target.link)
            : actor === "other host"
              ? // A valid ticket, but for another call.
                await ticketOf(world.otherHost.token, (await createCall(world.otherHost)).link)
              : actor === "stranger"
                ? ""
                : (bearerOf(actor) ?? "");
      const response = await exports.default.fetch(
        new Request(socketUrl(world.target.link, ticket), { headers: { Upgrade: "websocket" } }),
      );
      response.webSocket?.accept();
      response.webSocket?.close(1000, "matrix");
      return response;
    },
    expect: {
      stranger: 401,
      guest: 101,
      participant: 101,
      "other host": 401,
      host: 101,
      expired: 401,
      forged: 401,
    },
  },
  {
    what: "DELETE /api/calls/:link",
    request: asActor("DELETE", () => `/api/calls/${world.doomed.link}`),
    expect: hostOnly(204),
  },
];

describe("who may do what: REST endpoints × {stranger, guest, participant, other call's host, host, expired, forged}", () => {
  for (const row of REST_ROWS) {
    it(`${row.what}: ${REST_ACTORS.map((a) => `${a} ${row.expect[a]}`).join(", ")}`, async () => {
      // The host goes last so a successful DELETE cannot hide what the others would have got.
      for (const actor of REST_ACTORS) {
        const response = await row.request(actor);
        expect(response.status, `${row.what} as ${actor}`).toBe(row.expect[actor]);
        if (response.status >= 400) {
          const error = await errorOf(response);
          expect(error.code).toBe({ 401: "unauthorized", 403: "forbidden" }[response.status] ?? error.code);
        } else if (response.status !== 101) {
          await response.body?.cancel();
        }
        outcomes.add(`REST ${response.status}`);
      }
    });
  }

  it("the deleted call is gone for everyone, its host included", async () => {
    const response = await call(`/api/calls/${world.doomed.link}`);
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});

// ---------------------------------------------------------------- limits

/** A limited endpoint: `limit` requests of one subject go through, the next is refused, others' do not. */
interface LimitRow {
  what: string;
  limit: number;
  windowSeconds: number;
  ok: number;
  /** A fresh subject (an account, a guest ticket, an address) and a request counted against it. */
  subject: () => Promise<() => Promise<Response>>;
}

const iceServersAs = (token: string, headers: Record<string, string> = {}) =>
  send("GET", "/api/ice-servers", undefined, { token, headers });

async function guestTicket(link: string): Promise<string> {
  const response = await send("POST", `/api/calls/${link}/ticket`, { display_name: "Gil Guest" });
  return (await bodyOf(response, ticketResultSchema)).ticket;
}

/** A fresh account as the subject, sending `request` with its access token. */
const perAccount = (request: (token: string) => Promise<Response>) => async () => {
  const { token } = await signUp("Limited Person");
  return () => request(token);
};

// The defaults of docs/api.md (the test config overrides only the per-IP rules of sign-up, login,
// refresh and tickets).
const LIMIT_ROWS: LimitRow[] = [
  {
    what: "GET /api/ice-servers per account",
    limit: 30,
    windowSeconds: 60,
    ok: 200,
    subject: perAccount((token) => iceServersAs(token)),
  },
  {
    what: "GET /api/ice-servers per guest ticket",
    limit: 30,
    windowSeconds: 60,
    ok: 200,
    subject: async () => {
      const ticket = await guestTicket(world.target.link);
      return () => iceServersAs(ticket);
    },
  },
  {
    what: "GET /api/ice-servers per address (three accounts behind it)",
    limit: 60,
    windowSeconds: 60,
    ok: 200,
    subject: async () => {
      const ip = freshIp();
      const tokens = (await Promise.all([signUp(), signUp(), signUp()])).map((person) => person.token);
      let sent = 0;
      return () => iceServersAs(tokens[sent++ % tokens.length] ?? "", { "CF-Connecting-IP": ip });
    },
  },
  {
    what: "POST /api/calls per account",
    limit: 60,
    windowSeconds: 3600,
    ok: 201,
    subject: perAccount((token) => send("POST", "/api/calls", { title: "One more" }, { token })),
  },
];

describe("who is limited: each limit × {its subject over the limit, another subject}", () => {
  for (const row of LIMIT_ROWS) {
    it(`${row.what}: ${row.limit} per ${row.windowSeconds} s go through, the next gets 429 with Retry-After, another is unaffected`, async () => {
      const [request, other] = await Promise.all([row.subject(), row.subject()]);
      const statuses = await Promise.all(
        Array.from({ length: row.limit }, async () => {
          const response = await request();
          await response.body?.cancel();
          return response.status;
        }),
      );
      expect(statuses.filter((status) => status !== row.ok)).toEqual([]);
      await expectRateLimited(await request(), row.windowSeconds);
      outcomes.add("limit 429");
      const unaffected = await other();
      expect(unaffected.status).toBe(row.ok);
      await unaffected.body?.cancel();
      outcomes.add(`limit ${row.ok}`);
    });
  }

  it("GET /api/ice-servers: eight guests behind one address, each loading the call three times, are never refused", async () => {
    const ip = freshIp();
    const tickets = await Promise.all(Array.from({ length: 8 }, () => guestTicket(world.target.link)));
    for (let load = 0; load < 3; load++) {
      const statuses = await Promise.all(
        tickets.map(async (ticket) => {
          const response = await iceServersAs(ticket, { "CF-Connecting-IP": ip });
          await response.body?.cancel();
          return response.status;
        }),
      );
      expect(statuses).toEqual(Array(8).fill(200));
    }
    outcomes.add("limit 200");
  });
});

// ---------------------------------------------------------------- the room

type RoomActor = "waiting" | "participant" | "guest" | "host" | "other participant" | "other host";
const ROOM_ACTORS: RoomActor[] = [
  "waiting",
  "participant",
  "guest",
  "host",
  "other participant",
  "other host",
];

/** Closes sockets and waits until the room has seen it, so no room work outlives the test. */
async function closeAll(clients: RoomClient[]): Promise<void> {
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closedWith().catch(() => {})));
}

/** Call A (host, participant Ann, guest Gil, waiting Bob) and call B (host Bea, participant Olly). */
async function twoCalls() {
  const admit = async (host: RoomClient, call: TestCall, who: { name: string; guest?: boolean }) => {
    const client = await RoomClient.join(claimsFor(call, who));
    const id = (await client.next("waiting_room")).payload.self.id;
    host.send({ event_type: "accept_participant", payload: { participant_id: id } });
    await client.next("accepted_into_room");
    return { client, id };
  };
  const a = newCall("Call A");
  const b = newCall("Call B");
  const host = await RoomClient.join(claimsFor(a, { name: "Hana", sub: a.hostUserId }));
  const hostId = (await host.next("host_joined_room")).payload.self.id;
  const ann = await admit(host, a, { name: "Ann" });
  const gil = await admit(host, a, { name: "Gil", guest: true });
  const bob = await RoomClient.join(claimsFor(a, { name: "Bob" }));
  const bobId = (await bob.next("waiting_room")).payload.self.id;
  const bea = await RoomClient.join(claimsFor(b, { name: "Bea", sub: b.hostUserId }));
  const beaId = (await bea.next("host_joined_room")).payload.self.id;
  const olly = await admit(bea, b, { name: "Olly" });
  const actors: Record<RoomActor, { client: RoomClient; id: string }> = {
    waiting: { client: bob, id: bobId },
    participant: ann,
    guest: gil,
    host: { client: host, id: hostId },
    "other participant": olly,
    "other host": { client: bea, id: beaId },
  };
  const ids = { host: hostId, ann: ann.id, gil: gil.id, bob: bobId };
  const all = [host, ann.client, gil.client, bob, bea, olly.client];
  for (const c of all) await c.settle();
  return { actors, ids, callA: [host, ann.client, gil.client, bob], all };
}
type Calls = Awaited<ReturnType<typeof twoCalls>>;

/**
 * What an actor sends. Targets are always people of call A, so a frame from call B shows whether one
 * room can reach into another.
 */
interface RoomRow {
  event: ClientFrame["event_type"];
  frame: (calls: Calls, actor: RoomActor) => ClientFrame;
  /** "ok" or the `error` code the actor gets. */
  expect: Record<RoomActor, string>;
  /** What proves an "ok": the frame someone in call A receives. */
  proof?: (calls: Calls, actor: RoomActor) => Promise<unknown>;
}

/** The person in call A an actor signals: the host, or Ann when the host is the sender. */
const peerOf = (calls: Calls, actor: RoomActor) => (actor === "host" ? calls.ids.ann : calls.ids.host);
const admittedOnly = (other: string): Record<RoomActor, string> => ({
  waiting: "not_in_room",
  participant: "ok",
  guest: "ok",
  host: "ok",
  "other participant": other,
  "other host": other,
});
const hostAction: Record<RoomActor, string> = {
  waiting: "not_in_room",
  participant: "not_host",
  guest: "not_host",
  host: "ok",
  "other participant": "not_host",
  "other host": "unknown_participant",
};

const relay = (event: "offer" | "answer" | "ice_candidate"): RoomRow => ({
  event,
  frame: (calls, actor) =>
    event === "ice_candidate"
      ? {
          event_type: event,
          payload: { target_id: peerOf(calls, actor), data: { candidate: "candidate:1" } },
        }
      : {
          event_type: event,
          payload: { target_id: peerOf(calls, actor), data: { type: event, sdp: "v=0" } },
        },
  expect: admittedOnly("unknown_participant"),
  proof: async (calls, actor) => {
    const to = actor === "host" ? calls.actors.participant.client : calls.actors.host.client;
    expect((await to.next(event)).payload.sender_id).toBe(calls.actors[actor].id);
  },
});

/** Frames everyone admitted in the sender's own call hears; call A hears nothing from call B. */
const broadcast = (frame: ClientFrame, heard: ServerFrame["event_type"]): RoomRow => ({
  event: frame.event_type,
  frame: () => frame,
  expect: admittedOnly("ok"),
  proof: async (calls, actor) => {
    if (actor.startsWith("other")) return;
    const listener = actor === "host" ? calls.actors.participant.client : calls.actors.host.client;
    await listener.next(heard);
  },
});

const ROOM_ROWS: RoomRow[] = [
  {
    event: "join_room",
    frame: () => ({ event_type: "join_room", payload: {} }),
    expect: Object.fromEntries(ROOM_ACTORS.map((a) => [a, "already_joined"])) as Record<RoomActor, string>,
  },
  {
    event: "accept_participant",
    frame: (calls) => ({ event_type: "accept_participant", payload: { participant_id: calls.ids.bob } }),
    expect: hostAction,
    proof: (calls) => calls.actors.waiting.client.next("accepted_into_room"),
  },
  {
    event: "decline_participant",
    frame: (calls) => ({ event_type: "decline_participant", payload: { participant_id: calls.ids.bob } }),
    expect: hostAction,
    proof: (calls) => calls.actors.waiting.client.next("declined_from_room"),
  },
  {
    event: "remove_participant",
    frame: (calls, actor) => ({
      event_type: "remove_participant",
      payload: { participant_id: actor === "participant" ? calls.ids.gil : calls.ids.ann },
    }),
    expect: hostAction,
    proof: (calls) => calls.actors.participant.client.next("removed_from_room"),
  },
  relay("offer"),
  relay("answer"),
  relay("ice_candidate"),
  broadcast({ event_type: "media_state", payload: { audio: true } }, "participant_updated"),
  broadcast({ event_type: "raise_hand", payload: { raised: true } }, "participant_updated"),
  broadcast({ event_type: "send_chat_message", payload: { text: "hello" } }, "chat_message_received"),
  broadcast({ event_type: "send_emoji", payload: { emoji: "👍" } }, "emoji_received"),
  {
    event: "end_call",
    frame: () => ({ event_type: "end_call", payload: {} }),
    expect: { ...hostAction, "other host": "ok" },
    proof: async (calls, actor) => {
      if (actor === "host") await calls.actors.participant.client.next("call_terminated");
      else await calls.actors["other participant"].client.next("call_terminated");
    },
  },
  {
    event: "leave_room",
    frame: () => ({ event_type: "leave_room", payload: {} }),
    expect: Object.fromEntries(ROOM_ACTORS.map((a) => [a, "ok"])) as Record<RoomActor, string>,
    proof: async (calls, actor) => {
      await calls.actors[actor].client.next("left_room");
    },
  },
  {
    event: "ping",
    frame: () => ({ event_type: "ping", payload: {} }),
    expect: Object.fromEntries(ROOM_ACTORS.map((a) => [a, "ok"])) as Record<RoomActor, string>,
    proof: async (calls, actor) => {
      await calls.actors[actor].client.next("pong");
    },
  },
];

describe("who may do what: room events × {waiting, participant, guest, host, other call's participant, other call's host}", () => {
  it("no ticket, an expired, a forged or another call's ticket: refused with 401 before any upgrade", async () => {
    const a = newCall();
    const b = newCall();
    const claims = claimsFor(a, { name: "Hana", sub: a.hostUserId });
    const now = Math.floor(Date.now() / 1000);
    const tickets = {
      none: "",
      expired: await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("vcme")
        .setAudience("vcme:ticket")
        .setSubject(claims.sub)
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60)
        .sign(new TextEncoder().encode(env.JWT_SECRET)),
      forged: await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("vcme")
        .setAudience("vcme:ticket")
        .setSubject(claims.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(new TextEncoder().encode("not-the-server-secret-not-the-server-secret")),
      "another call's": await issueTicket(env.JWT_SECRET, claimsFor(b, { name: "Bea", sub: b.hostUserId })),
    };
    for (const [what, ticket] of Object.entries(tickets)) {
      const response = await exports.default.fetch(
        new Request(socketUrl(a.link, ticket), { headers: { Upgrade: "websocket" } }),
      );
      expect(response.status, `${what} ticket`).toBe(401);
      expect(response.webSocket).toBeNull();
      expect((await errorOf(response)).code).toBe("unauthorized");
      outcomes.add("room 401");
    }
  });

  for (const row of ROOM_ROWS) {
    it(`${row.event}: ${ROOM_ACTORS.map((a) => `${a} ${row.expect[a]}`).join(", ")}`, async () => {
      // Each cell has its own two calls, so the cells of a row run side by side.
      await Promise.all(
        ROOM_ACTORS.map(async (actor) => {
          const calls = await twoCalls();
          const sender = calls.actors[actor].client;
          const before = calls.callA.map((c) => c.frames.length);
          sender.send(row.frame(calls, actor));
          const expected = row.expect[actor];
          if (expected === "ok") {
            await row.proof?.(calls, actor);
            expect(sender.all("error"), `${row.event} as ${actor}`).toEqual([]);
          } else {
            const error = await sender.next("error");
            expect(error.payload.code, `${row.event} as ${actor}`).toBe(expected);
            expect(error.payload.event_type).toBe(row.event);
          }
          outcomes.add(`room ${expected}`);
          // A refused frame, or any frame from another call, reaches nobody in call A.
          if (expected !== "ok" || actor.startsWith("other")) {
            for (const c of calls.callA) if (c !== sender && !c.closed) await c.settle();
            calls.callA.forEach((c, i) => {
              if (c === sender) return;
              const heard = c.frames.slice(before[i]).filter((f) => f.event_type !== "pong");
              expect(heard, `${row.event} as ${actor}: call A heard something`).toEqual([]);
            });
          }
          await closeAll(calls.all);
        }),
      );
    });
  }
});
