import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Fetcher } from "../../client/src/api/http";
import { SessionModel, type TabChannel } from "../../client/src/models/session";
import { authResultSchema, meResultSchema } from "../../src/protocol/rest";

// A stand-in for the Worker's accounts API, following docs/api.md to the letter: short-lived bearer
// tokens, a refresh cookie that rotates on every use. The session model's timing and retry rules are
// what is under test; the real endpoints are exercised by test/e2e/auth.test.ts in Chromium. What it
// answers goes through the Worker's own response schemas, so it cannot drift from what the Worker sends.
class AccountsServer {
  cookie: string | null = null;
  validTokens = new Set<string>();
  refreshes = 0;
  down = false;
  refuseRefresh = false;
  requests: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  private counter = 0;
  readonly user = { id: "u1", name: "Ada", email: "ada@example.test", created_at: "2026-11-25T00:00:00Z" };

  fetch: Fetcher = async (path, init) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body: unknown = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    this.requests.push({ method: init.method ?? "GET", path, auth: headers.authorization ?? null, body });
    if (this.down) throw new TypeError("Failed to fetch");
    if (path === "/api/auth/login") return this.issue(200);
    if (path === "/api/auth/refresh") {
      this.refreshes++;
      if (this.refuseRefresh || !this.cookie) return error(401, "unauthorized");
      return this.issue(200);
    }
    if (path === "/api/auth/logout") {
      this.cookie = null;
      return new Response(null, { status: 204 });
    }
    const token = headers.authorization?.replace(/^Bearer /, "");
    if (!token || !this.validTokens.has(token)) return error(401, "unauthorized");
    if (path === "/api/me") return json(200, meResultSchema.parse({ user: this.user }));
    return error(404, "not_found");
  };

  /** The access token expires on the server (as after 15 minutes). */
  expireTokens() {
    this.validTokens.clear();
  }

  private issue(status: number): Response {
    const token = `token-${++this.counter}`;
    this.validTokens.add(token);
    this.cookie = `refresh-${this.counter}`;
    return json(status, authResultSchema.parse({ user: this.user, access_token: token, expires_in: 900 }));
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function error(status: number, code: string): Response {
  return json(status, { error: { code, message: code } });
}

class FakeChannel implements TabChannel {
  sent: unknown[] = [];
  private listeners: ((event: { data: unknown }) => void)[] = [];
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  addEventListener(_type: "message", listener: (event: { data: unknown }) => void) {
    this.listeners.push(listener);
  }
  /** A message from another tab. */
  deliver(data: unknown) {
    for (const listener of this.listeners) listener({ data });
  }
}

describe("the session model", () => {
  let server: AccountsServer;
  let channel: FakeChannel;
  const stretch = vi.fn(async (password: string, email: string) => `stretched(${password},${email})`);

  beforeEach(() => {
    server = new AccountsServer();
    channel = new FakeChannel();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const open = () => new SessionModel({ fetcher: server.fetch, stretch, channel });

  it("starts signed out when the browser holds no refresh cookie", async () => {
    const session = open();
    expect(session.status.value).toBe("unknown");
    expect(await session.start()).toBe(false);
    expect(session.status.value).toBe("signed_out");
    expect(session.user.value).toBeNull();
  });

  it("on page load without the session marker, starts signed out without asking the server", async () => {
    const session = new SessionModel({
      fetcher: server.fetch,
      stretch,
      channel,
      mayHaveSession: () => false,
    });
    expect(await session.start()).toBe(false);
    expect(session.status.value).toBe("signed_out");
    expect(server.requests).toEqual([]);
    // Another tab signing in still brings the session here.
    server.cookie = "set-by-the-other-tab";
    channel.deliver({ kind: "signed_in" });
    await vi.waitFor(() => expect(session.status.value).toBe("signed_in"));
  });

  it("on page load with the session marker, asks the server through the refresh cookie", async () => {
    server.cookie = "refresh-from-last-visit";
    const session = new SessionModel({ fetcher: server.fetch, stretch, channel, mayHaveSession: () => true });
    expect(await session.start()).toBe(true);
    expect(server.refreshes).toBe(1);
  });

  it("signs back in silently on page load when the refresh cookie is still good", async () => {
    server.cookie = "refresh-from-last-visit";
    const session = open();
    expect(await session.start()).toBe(true);
    expect(session.status.value).toBe("signed_in");
    expect(session.user.value?.name).toBe("Ada");
  });

  it("sends only the stretched password and tells the other tabs", async () => {
    const session = open();
    await session.login("ada@example.test", "correct horse");
    const login = server.requests.find((request) => request.path === "/api/auth/login");
    expect(login?.body).toEqual({
      email: "ada@example.test",
      password: "stretched(correct horse,ada@example.test)",
    });
    expect(JSON.stringify(server.requests)).not.toContain('"password":"correct horse"');
    expect(session.status.value).toBe("signed_in");
    expect(channel.sent).toContainEqual({ kind: "signed_in" });
  });

  it("renews the access token a minute before it expires, without any request failing", async () => {
    vi.useFakeTimers();
    const session = open();
    await session.login("ada@example.test", "pw");
    const first = server.requests.at(-1);
    expect(first?.path).toBe("/api/auth/login");
    await vi.advanceTimersByTimeAsync((900 - 61) * 1000);
    expect(server.refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.refreshes).toBe(1);
    server.validTokens.delete("token-1");
    await expect(session.api.me()).resolves.toMatchObject({ user: { name: "Ada" } });
    expect(server.requests.at(-1)?.auth).toBe("Bearer token-2");
  });

  it("after a 401 refreshes once, even for several requests at the same time, and retries them", async () => {
    const session = open();
    await session.login("ada@example.test", "pw");
    server.expireTokens();
    const answers = await Promise.all([session.api.me(), session.api.me(), session.api.me()]);
    expect(answers.map((answer) => answer.user.name)).toEqual(["Ada", "Ada", "Ada"]);
    expect(server.refreshes).toBe(1);
    expect(session.status.value).toBe("signed_in");
  });

  it("signs out here and in every other tab when the server refuses the refresh", async () => {
    const session = open();
    await session.login("ada@example.test", "pw");
    server.expireTokens();
    server.refuseRefresh = true;
    await expect(session.api.me()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(session.status.value).toBe("signed_out");
    expect(session.user.value).toBeNull();
    expect(session.notice.value).toBe("Your session ended. Please log in again.");
    expect(channel.sent).toContainEqual({ kind: "signed_out" });
  });

  it("stays signed in when a refresh could not reach the server, and tries again later", async () => {
    vi.useFakeTimers();
    const session = open();
    await session.login("ada@example.test", "pw");
    server.down = true;
    expect(await session.refresh()).toBe(false);
    expect(session.status.value).toBe("signed_in");
    server.down = false;
    await vi.advanceTimersByTimeAsync(16_000);
    expect(server.refreshes).toBe(1);
    expect(server.requests.at(-1)?.path).toBe("/api/auth/refresh");
    expect(session.status.value).toBe("signed_in");
  });

  it("on a page load during an outage, shows the signed-out screens and signs in once the server is back", async () => {
    vi.useFakeTimers();
    server.cookie = "refresh-from-last-visit";
    server.down = true;
    const session = open();
    expect(await session.start()).toBe(false);
    expect(session.status.value).toBe("signed_out");
    server.down = false;
    await vi.advanceTimersByTimeAsync(16_000);
    expect(session.status.value).toBe("signed_in");
  });

  it("follows the other tabs: signed out there means signed out here", async () => {
    const session = open();
    await session.login("ada@example.test", "pw");
    channel.deliver({ kind: "signed_out" });
    expect(session.status.value).toBe("signed_out");
    expect(session.user.value).toBeNull();
  });

  it("follows the other tabs: signed in there picks up the session here through the cookie", async () => {
    const session = open();
    await session.start();
    server.cookie = "set-by-the-other-tab";
    channel.deliver({ kind: "signed_in" });
    await vi.waitFor(() => expect(session.status.value).toBe("signed_in"));
  });

  it("logs out on the server and locally, even when the network fails", async () => {
    const session = open();
    await session.login("ada@example.test", "pw");
    server.down = true;
    await expect(session.logout()).rejects.toMatchObject({ code: "network_error" });
    expect(session.status.value).toBe("signed_out");
    expect(channel.sent).toContainEqual({ kind: "signed_out" });
  });
});
