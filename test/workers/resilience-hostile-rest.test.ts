import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { errorBodySchema } from "../../src/protocol/errors";
import { type Call, meResultSchema, publicCallResultSchema } from "../../src/protocol/rest";
import { bodyOf, call, createCall, send, signUp, type TestUser, warmUp } from "./support/api-helpers";
import { anyJson, hostileBody, hostileValue, Tally, type WireBody } from "./support/fuzz-inputs";
import { scaled } from "./support/fuzz-soak";

// Hundreds of real requests through workerd into PostgreSQL on a shared 2-core machine.
vi.setConfig({ testTimeout: 240_000 });

const RUNS = scaled(30, 150);
/** Statuses the contract allows for a refused request (docs/api.md). */
const CLIENT_ERRORS = new Set([400, 401, 403, 404, 405, 409, 413, 415, 422, 426, 429]);

const byStatus = new Tally();
const byKind = new Tally();
let host: TestUser;
let hostedCall: Call;

beforeAll(async () => {
  await warmUp();
  host = await signUp("Fuzz Host");
  hostedCall = await createCall(host, { title: "Fuzz target", allow_guests: true });
}, 60_000);

afterAll(() => {
  console.log(
    `REST hostile input: ${byStatus.total} requests over 17 endpoint shapes, ` +
      `${[...Array(100).keys()].reduce((n, i) => n + byStatus.get(500 + i), 0)} 5xx; ` +
      `statuses ${byStatus}; inputs ${byKind}`,
  );
});

/** Sends one hostile request and checks the answer is a clear client error (or a success), never a 5xx. */
async function expectHandled(
  label: string,
  method: string,
  path: string,
  body: WireBody | null,
  headers: Record<string, string> = {},
): Promise<void> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body) {
    init.body = body.body;
    (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
    byKind.add(body.kind);
  }
  const response = await call(path, init);
  byStatus.add(response.status);
  const text = await response.text();
  const where = `${label}: ${method} ${path} ${body ? `(${body.kind}, ${String(body.body).slice(0, 120)})` : ""}`;
  expect(response.status, `${where} → ${response.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) {
    expect(CLIENT_ERRORS.has(response.status), `${where} → unexpected ${response.status}`).toBe(true);
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    expect(parsed.success, `${where} → not the error shape: ${text.slice(0, 300)}`).toBe(true);
    // No internals: stack frames, SQL or driver names never reach a client.
    expect(text).not.toMatch(/\bat \w+ \(|select |insert into|postgres|neon|drizzle|TypeError|ZodError/i);
  }
}

const bearer = () => ({ Authorization: `Bearer ${host.token}` });
const segment = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("..", "%2e%2e", "%00", "a".repeat(5000), "UPPER-case", "-lead", "trail-", "a--b"),
);
const headerValue = fc
  .oneof(
    fc.string({ maxLength: 300 }),
    hostileValue.map((v) => JSON.stringify(v) ?? ""),
  )
  // A header value cannot carry control characters or non-Latin-1 text; the runtime refuses them first.
  .map((v) => v.replace(/[^\x20-\x7e]/g, "?"));

describe("every REST endpoint under hostile input answers with a clear client error, never a 5xx", () => {
  const bodyEndpoints: [string, string, () => string, readonly string[], boolean][] = [
    ["sign-up", "POST", () => "/api/auth/signup", ["name", "email", "password"], false],
    ["login", "POST", () => "/api/auth/login", ["email", "password"], false],
    ["update me", "PATCH", () => "/api/me", ["name"], true],
    ["change password", "POST", () => "/api/me/password", ["current_password", "new_password"], true],
    [
      "create call",
      "POST",
      () => "/api/calls",
      ["title", "description", "allow_guests", "embed_origins"],
      true,
    ],
    [
      "update call",
      "PATCH",
      () => `/api/calls/${hostedCall.link}`,
      ["title", "description", "allow_guests", "embed_origins"],
      true,
    ],
    ["ticket (user)", "POST", () => `/api/calls/${hostedCall.link}/ticket`, ["display_name"], true],
    ["ticket (guest)", "POST", () => `/api/calls/${hostedCall.link}/ticket`, ["display_name"], false],
  ];
  for (const [label, method, path, keys, signedIn] of bodyEndpoints) {
    it(`${label}: ${method} with wrong types, missing/extra fields, huge, nested, broken and non-UTF-8 bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileBody(keys), fc.boolean(), async (body, jsonType) => {
          const headers: Record<string, string> = signedIn ? bearer() : {};
          if (!jsonType) headers["Content-Type"] = "text/plain";
          await expectHandled(label, method, path(), body, headers);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("path parameters: GET, PATCH, DELETE and ticket on any link text", async () => {
    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.constantFrom("GET", "PATCH", "DELETE", "TICKET", "WS"),
        async (s, verb) => {
          const link = encodeURIComponent(s);
          if (verb === "TICKET")
            await expectHandled("ticket path", "POST", `/api/calls/${link}/ticket`, null, bearer());
          else if (verb === "WS")
            await expectHandled("socket path", "GET", `/api/calls/${link}/ws?ticket=x`, null, {
              Upgrade: "websocket",
            });
          else
            await expectHandled(
              "call path",
              verb,
              `/api/calls/${link}`,
              verb === "PATCH" ? { kind: "object", body: "{}" } : null,
              bearer(),
            );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("query strings: cursors and limits of every kind on both lists", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/calls", "/api/call-logs"),
        fc.dictionary(fc.constantFrom("cursor", "limit", "x", "cursor[]"), fc.string({ maxLength: 200 }), {
          maxKeys: 3,
        }),
        async (path, query) => {
          await expectHandled("list", "GET", `${path}?${new URLSearchParams(query)}`, null, bearer());
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("credentials: any Authorization header and any refresh cookie", async () => {
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        fc.constantFrom(
          ["GET", "/api/me"],
          ["GET", "/api/ice-servers"],
          ["GET", "/api/calls"],
          ["POST", "/api/auth/refresh"],
          ["POST", "/api/auth/logout"],
        ),
        fc.boolean(),
        async (value, [method, path], asBearer) => {
          const headers: Record<string, string> = path.startsWith("/api/auth")
            ? { Cookie: `vcme_refresh=${value}` }
            : { Authorization: asBearer ? `Bearer ${value}` : value };
          await expectHandled("credentials", method, path, null, headers);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("socket tickets: any ticket text is refused with 401 before an upgrade", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          anyJson.map((v) => JSON.stringify(v) ?? ""),
        ),
        async (ticket) => {
          const response = await call(
            `/api/calls/${hostedCall.link}/ws?ticket=${encodeURIComponent(ticket)}`,
            { headers: { Upgrade: "websocket" } },
          );
          byStatus.add(response.status);
          expect(response.status).toBe(401);
          expect(response.webSocket).toBeNull();
          await response.body?.cancel();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("loses nothing: after the barrage the account, its session and its call all still work", async () => {
    const me = await send("GET", "/api/me", undefined, { token: host.token });
    expect(me.status).toBe(200);
    expect((await bodyOf(me, meResultSchema)).user.email).toBe(host.email);
    const login = await send("POST", "/api/auth/login", { email: host.email, password: host.password });
    expect(login.status).toBe(200);
    await login.body?.cancel();
    const found = await call(`/api/calls/${hostedCall.link}`);
    expect(found.status).toBe(200);
    expect((await bodyOf(found, publicCallResultSchema)).call.link).toBe(hostedCall.link);
    const refreshed = await send("POST", "/api/auth/refresh", undefined, { cookie: host.cookie });
    expect(refreshed.status).toBe(200);
    await refreshed.body?.cancel();
  });
});

describe("spoofing text in names, titles and descriptions", () => {
  const spoofs = {
    "C1 control": "Bank\u0085 support",
    "right-to-left override": "Ann \u202egnp.exe",
    isolate: "\u2066Host\u2069",
    "only invisible characters": "\u200b\u200d\u3164",
    NUL: "Ann\u0000",
  };

  it("sign-up, a name change, a guest's ticket name and a call title or description refuse them with 422", async () => {
    const guestCall = hostedCall.link;
    const nameOf = async () =>
      (await bodyOf(await send("GET", "/api/me", undefined, { token: host.token }), meResultSchema)).user
        .name;
    const nameBefore = await nameOf();
    const titleOf = async () =>
      (await bodyOf(await send("GET", `/api/calls/${guestCall}`), publicCallResultSchema)).call.title;
    // The fuzzing above may have left the call with any valid title or settings: put it back first.
    const reset = await send(
      "PATCH",
      `/api/calls/${guestCall}`,
      { title: hostedCall.title, allow_guests: true },
      { token: host.token },
    );
    expect(reset.status).toBe(200);
    await reset.body?.cancel();
    const titleBefore = await titleOf();
    for (const [what, text] of Object.entries(spoofs)) {
      const attempts: [string, string, string, unknown][] = [
        [
          "sign-up name",
          "POST",
          "/api/auth/signup",
          { name: text, email: `s-${crypto.randomUUID()}@example.test`, password: "a".repeat(64) },
        ],
        ["new name", "PATCH", "/api/me", { name: text }],
        ["guest name", "POST", `/api/calls/${guestCall}/ticket`, { display_name: text }],
        ["call title", "POST", "/api/calls", { title: text }],
        ["call description", "POST", "/api/calls", { title: "Fine", description: `${text}` }],
        ["changed title", "PATCH", `/api/calls/${guestCall}`, { title: text }],
      ];
      for (const [field, method, path, body] of attempts) {
        const token = field === "guest name" || field === "sign-up name" ? undefined : host.token;
        const response = await send(method, path, body, token ? { token } : {});
        expect(response.status, `${what} as ${field}`).toBe(422);
        expect((await response.json<{ error: { code: string } }>()).error.code).toBe("validation_failed");
      }
    }
    // Nothing was changed: the host's name and the call's title are as they were.
    expect(await nameOf()).toBe(nameBefore);
    expect(await titleOf()).toBe(titleBefore);
  });

  it("a decomposed name is stored in NFC", async () => {
    const response = await send("PATCH", "/api/me", { name: "Rene\u0301e" }, { token: host.token });
    expect(response.status).toBe(200);
    expect((await bodyOf(response, meResultSchema)).user.name).toBe("Ren\u00e9e");
    await send("PATCH", "/api/me", { name: "Fuzz Host" }, { token: host.token });
  });
});
