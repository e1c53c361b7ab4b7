import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueTicket } from "../../src/domain/tickets";

const call = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`https://vcme.test${path}`, init));

describe("the Worker skeleton", () => {
  it("reports the real database as up on /api/health", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    const body = await response.json<{ ok: boolean; db: string; version: string }>();
    expect(body).toEqual({ ok: true, db: "up", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it("answers unknown API paths with the contract's 404 error shape", async () => {
    const response = await call("/api/no-such-thing");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({
      error: { code: "not_found", message: expect.any(String) },
    });
  });

  it("answers a wrong method on a known path with the error shape", async () => {
    const response = await call("/api/health", { method: "DELETE" });
    expect(response.status).toBe(404);
    const body = await response.json<{ error: { code: string } }>();
    expect(body.error.code).toBe("not_found");
  });

  it("hands a WebSocket upgrade with a valid ticket to the call's room", async () => {
    const ticket = await issueTicket(env.JWT_SECRET, {
      sub: "guest:foundation",
      name: "Tester",
      guest: true,
      call_id: "00000000-0000-4000-8000-000000000000",
      call_link: "some-call",
      call_title: "Some call",
      host_user_id: "00000000-0000-4000-8000-000000000001",
    });
    const response = await call(`/api/calls/some-call/ws?ticket=${ticket}`, {
      headers: { Upgrade: "websocket" },
    });
    expect(response.status).toBe(101);
    const ws = response.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const answered = new Promise<string>((resolve) =>
      ws.addEventListener("message", (e: MessageEvent) => resolve(String(e.data))),
    );
    ws.send('{"event_type":"ping","payload":{}}');
    expect(await answered).toBe('{"event_type":"pong","payload":{}}');
    ws.close();
  });

  it("serves the client app for non-API paths", async () => {
    const response = await call("/some/screen");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="app">');
  });
});
