import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type CallList,
  callListSchema,
  callResultSchema,
  publicCallResultSchema,
  ticketResultSchema,
} from "../../src/protocol/rest";
import { bodyOf, call, createCall, errorOf, ORIGIN, send, signUp } from "./support/api-helpers";
import { forgedAccessTokens } from "./support/forged-tokens";

describe("POST /api/calls", () => {
  it("creates a call with an unguessable slug link and answers 201 with the full call", async () => {
    const host = await signUp("Hosting Hannah");
    const response = await send(
      "POST",
      "/api/calls",
      {
        title: "  Weekly Sync: Café & Ünïcode!  ",
        description: "Agenda",
        allow_guests: true,
        embed_origins: ["https://intranet.example.com", "http://localhost:5173"],
      },
      { token: host.token },
    );
    expect(response.status).toBe(201);
    const { call: created } = await bodyOf(response, callResultSchema);
    expect(created).toEqual({
      id: expect.any(String),
      link: expect.stringMatching(/^weekly-sync-cafe-unicode-[a-z2-7]{16}$/),
      title: "Weekly Sync: Café & Ünïcode!",
      description: "Agenda",
      host: { id: host.user.id, name: "Hosting Hannah" },
      allow_guests: true,
      embed_origins: ["https://intranet.example.com", "http://localhost:5173"],
      join_url: `${ORIGIN}/call/${created.link}`,
      created_at: expect.any(String),
    });
  });

  it("fills the defaults: no description, guests off, no embed origins", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "🎉🎉🎉" });
    expect(created).toMatchObject({ description: "", allow_guests: false, embed_origins: [] });
    expect(created.link).toMatch(/^call-[a-z2-7]{16}$/);
  });

  it("gives two calls with the same title different links", async () => {
    const host = await signUp();
    const a = await createCall(host, { title: "Same" });
    const b = await createCall(host, { title: "Same" });
    expect(a.link).not.toBe(b.link);
  });

  it.each([
    ["a missing title", {}, "title"],
    ["an empty title", { title: "  " }, "title"],
    ["a title over 120 characters", { title: "t".repeat(121) }, "title"],
    ["a description over 2000 characters", { title: "t", description: "d".repeat(2001) }, "description"],
    ["a NUL byte in the description", { title: "t", description: "a\u0000" }, "description"],
    ["a control character in the title", { title: "a\u0007b" }, "title"],
    ["allow_guests as a string", { title: "t", allow_guests: "yes" }, "allow_guests"],
    ["an http embed origin", { title: "t", embed_origins: ["http://example.com"] }, "embed_origins.0"],
    [
      "an embed origin with a path",
      { title: "t", embed_origins: ["https://example.com/page"] },
      "embed_origins.0",
    ],
    ["a javascript: embed origin", { title: "t", embed_origins: ["javascript:alert(1)"] }, "embed_origins.0"],
    ["a non-list of embed origins", { title: "t", embed_origins: "https://example.com" }, "embed_origins"],
    [
      "eleven embed origins",
      { title: "t", embed_origins: Array.from({ length: 11 }, (_, i) => `https://e${i}.com`) },
      "embed_origins",
    ],
  ])("refuses %s with 422 naming the field", async (_, body, field) => {
    const host = await signUp();
    const response = await send("POST", "/api/calls", body, { token: host.token });
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.fields).toHaveProperty([field]);
  });

  it("needs a signed-in user", async () => {
    const response = await send("POST", "/api/calls", { title: "t" });
    expect(response.status).toBe(401);
  });

  it("stores SQL, HTML and emoji in title and description verbatim", async () => {
    const host = await signUp();
    const title = `'; DELETE FROM calls; -- <img src=x onerror=alert(1)> 🚀`;
    const description = `"quoted" \\ backslash <b>bold</b>\n\tline two 👨‍👩‍👧`;
    const created = await createCall(host, { title, description });
    expect(created.title).toBe(title);
    expect(created.description).toBe(description);
    const lookup = await call(`/api/calls/${created.link}`);
    expect((await bodyOf(lookup, publicCallResultSchema)).call.title).toBe(title);
  });
});

describe("GET /api/calls/:link", () => {
  it("shows strangers only the link, title, host name and whether guests may join", async () => {
    const host = await signUp("Visible Host");
    const created = await createCall(host, {
      title: "Open day",
      description: "secret agenda",
      allow_guests: true,
    });
    const response = await call(`/api/calls/${created.link}`);
    expect(response.status).toBe(200);
    expect(await bodyOf(response, publicCallResultSchema)).toEqual({
      call: { link: created.link, title: "Open day", host: { name: "Visible Host" }, allow_guests: true },
    });
  });

  it("answers 404 not_found for an unknown or malformed link", async () => {
    for (const link of ["no-such-call-abcdefghijklmnop", "BAD%20LINK", "x".repeat(300)]) {
      const response = await call(`/api/calls/${link}`);
      expect(response.status, link).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
  });
});

describe("GET /api/calls", () => {
  it("lists only my calls, newest first, page by page with a cursor", async () => {
    const host = await signUp();
    const stranger = await signUp();
    await createCall(stranger, { title: "Not mine" });
    const titles = ["one", "two", "three", "four", "five"];
    for (const title of titles) await createCall(host, { title });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const response = await send("GET", `/api/calls${query}`, undefined, { token: host.token });
      expect(response.status).toBe(200);
      const page: CallList = await bodyOf(response, callListSchema);
      expect(page.calls.length).toBeLessThanOrEqual(2);
      seen.push(...page.calls.map((c) => c.title));
      for (const item of page.calls) expect(item.host.id).toBe(host.user.id);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...titles].reverse());
    expect(pages).toBe(3);
  });

  it("uses a default page size and answers an empty list for a new person", async () => {
    const host = await signUp();
    const response = await send("GET", "/api/calls", undefined, { token: host.token });
    expect(await bodyOf(response, callListSchema)).toEqual({ calls: [], next_cursor: null });
  });

  it("refuses a forged cursor and a bad limit with 422", async () => {
    const host = await signUp();
    for (const query of ["?cursor=garbage", "?limit=0", "?limit=101", "?limit=ten"]) {
      const response = await send("GET", `/api/calls${query}`, undefined, { token: host.token });
      expect(response.status, query).toBe(422);
      expect((await errorOf(response)).code).toBe("validation_failed");
    }
  });

  it("needs a signed-in user", async () => {
    expect((await call("/api/calls")).status).toBe(401);
  });
});

describe("PATCH /api/calls/:link", () => {
  it("lets the host change any field and keeps the rest", async () => {
    const host = await signUp();
    const created = await createCall(host, { title: "Before", description: "keep me" });
    const response = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { title: "After", allow_guests: true, embed_origins: ["https://a.example:8443"] },
      { token: host.token },
    );
    expect(response.status).toBe(200);
    expect(await bodyOf(response, callResultSchema)).toEqual({
      call: {
        ...created,
        title: "After",
        allow_guests: true,
        embed_origins: ["https://a.example:8443"],
      },
    });
  });

  it("validates the changes", async () => {
    const host = await signUp();
    const created = await createCall(host);
    const response = await send("PATCH", `/api/calls/${created.link}`, { title: "" }, { token: host.token });
    expect(response.status).toBe(422);
    const unknown = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { host_id: "x" },
      { token: host.token },
    );
    expect(unknown.status).toBe(422);
  });

  it("answers 404 for an unknown call", async () => {
    const host = await signUp();
    const response = await send(
      "PATCH",
      "/api/calls/none-abcdefghijklmnop",
      { title: "x" },
      { token: host.token },
    );
    expect(response.status).toBe(404);
  });
});

describe("another person's call", () => {
  it("cannot be listed, changed or deleted by a second user (403), and stays as it was", async () => {
    const host = await signUp();
    const intruder = await signUp();
    const created = await createCall(host, { title: "Private" });
    const list = await send("GET", "/api/calls", undefined, { token: intruder.token });
    expect((await bodyOf(list, callListSchema)).calls).toEqual([]);
    const patch = await send(
      "PATCH",
      `/api/calls/${created.link}`,
      { title: "Hijacked" },
      { token: intruder.token },
    );
    expect(patch.status).toBe(403);
    expect((await errorOf(patch)).code).toBe("forbidden");
    const del = await send("DELETE", `/api/calls/${created.link}`, undefined, { token: intruder.token });
    expect(del.status).toBe(403);
    const lookup = await call(`/api/calls/${created.link}`);
    expect((await bodyOf(lookup, publicCallResultSchema)).call.title).toBe("Private");
  });

  it("cannot be changed or deleted without signing in (401)", async () => {
    const host = await signUp();
    const created = await createCall(host);
    expect((await send("PATCH", `/api/calls/${created.link}`, { title: "x" })).status).toBe(401);
    expect((await send("DELETE", `/api/calls/${created.link}`)).status).toBe(401);
  });
});

describe("DELETE /api/calls/:link", () => {
  it("deletes the call (204, then 404) and ends a live session in its room", async () => {
    const host = await signUp();
    const created = await createCall(host, { allow_guests: true });
    const ticket = await send("POST", `/api/calls/${created.link}/ticket`, {}, { token: host.token });
    const { ws_url, ticket: token } = await bodyOf(ticket, ticketResultSchema);
    const socketUrl = `${ws_url.replace(/^wss?:/, "https:")}?ticket=${encodeURIComponent(token)}`;
    const upgrade = await exports.default.fetch(
      new Request(socketUrl, { headers: { Upgrade: "websocket" } }),
    );
    expect(upgrade.status).toBe(101);
    const ws = upgrade.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const messages: string[] = [];
    let joined: () => void = () => {};
    const inRoom = new Promise<void>((resolve) => {
      joined = resolve;
    });
    const closed = new Promise<number>((resolve) => {
      ws.addEventListener("message", (event: MessageEvent) => {
        messages.push(String(event.data));
        if (String(event.data).includes("host_joined_room")) joined();
      });
      ws.addEventListener("close", (event: CloseEvent) => resolve(event.code));
    });
    ws.send(JSON.stringify({ event_type: "join_room", payload: {} }));
    await inRoom;

    const response = await send("DELETE", `/api/calls/${created.link}`, undefined, { token: host.token });
    expect(response.status).toBe(204);
    expect(await closed).toBe(4004);
    expect(messages.some((m) => m.includes("call_terminated") && m.includes("call_deleted"))).toBe(true);
    expect((await call(`/api/calls/${created.link}`)).status).toBe(404);
    const again = await send("DELETE", `/api/calls/${created.link}`, undefined, { token: host.token });
    expect(again.status).toBe(404);
  });

  it("deletes a call whose room never ran", async () => {
    const host = await signUp();
    const created = await createCall(host);
    const response = await send("DELETE", `/api/calls/${created.link}`, undefined, { token: host.token });
    expect(response.status).toBe(204);
    const list = await send("GET", "/api/calls", undefined, { token: host.token });
    expect((await bodyOf(list, callListSchema)).calls).toEqual([]);
  });
});

describe("every endpoint that needs a user", () => {
  it("refuses expired, tampered, alg:none, wrong-secret, wrong-audience and wrong-issuer tokens and a ticket", async () => {
    const host = await signUp();
    const created = await createCall(host);
    const forged = await forgedAccessTokens(host.user.id, crypto.randomUUID());
    const endpoints: Array<[string, string, unknown]> = [
      ["GET", "/api/me", undefined],
      ["PATCH", "/api/me", { name: "Mallory" }],
      ["POST", "/api/me/password", { current_password: host.password, new_password: host.password }],
      ["POST", "/api/calls", { title: "x" }],
      ["GET", "/api/calls", undefined],
      ["PATCH", `/api/calls/${created.link}`, { title: "Hijacked" }],
      ["DELETE", `/api/calls/${created.link}`, undefined],
      ["GET", "/api/call-logs", undefined],
    ];
    for (const [method, path, body] of endpoints) {
      for (const [kind, token] of Object.entries(forged)) {
        const response = await send(method, path, body, { token });
        expect(response.status, `${method} ${path} with ${kind}`).toBe(401);
        expect((await errorOf(response)).code).toBe("unauthorized");
      }
    }
    const lookup = await call(`/api/calls/${created.link}`);
    expect((await bodyOf(lookup, publicCallResultSchema)).call.title).toBe("Team sync");
  });
});
