// REST latency under concurrency: many signed-in clients at once, each doing what a person does between
// calls — create a call, get a ticket for it, look at the call history — against the Worker and Postgres.
import { type Summary, summarize } from "./stats.ts";

export interface RestLoad {
  clients: number;
  rounds: number;
  wallMs: number;
  createCall: Summary;
  ticket: Summary;
  history: Summary;
  /** Answers that were not 2xx, by status. */
  failures: Record<string, number>;
}

/**
 * `clients` people sign up one after another (not timed), then all run `rounds` rounds at once, one
 * request in flight per client: POST /api/calls, POST /api/calls/:link/ticket, GET /api/call-logs.
 */
export async function restUnderLoad(baseUrl: string, clients: number, rounds: number): Promise<RestLoad> {
  const tag = Math.random().toString(36).slice(2, 8);
  const failures: Record<string, number> = {};
  const timed = async (samples: number[], path: string, init: RequestInit) => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, init);
    const body = await response.text();
    samples.push(performance.now() - started);
    if (!response.ok) failures[response.status] = (failures[response.status] ?? 0) + 1;
    return response.ok ? (JSON.parse(body) as unknown) : null;
  };
  const post = (token: string, body: unknown): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

  const tokens: string[] = [];
  for (let i = 0; i < clients; i++) {
    const response = await fetch(`${baseUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      // The password field is the browser's PBKDF2 output: any 64 hex characters to the server.
      body: JSON.stringify({
        name: `Load ${i}`,
        email: `load-${tag}-${i}@example.test`,
        password: "cd".repeat(32),
      }),
    });
    const session = (await response.json()) as { access_token?: string };
    if (!session.access_token) throw new Error(`signup for the REST load failed: ${response.status}`);
    tokens.push(session.access_token);
  }

  const create: number[] = [];
  const ticket: number[] = [];
  const history: number[] = [];
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      for (let round = 0; round < rounds; round++) {
        const made = (await timed(create, "/api/calls", post(token, { title: `Load ${i}.${round}` }))) as {
          call?: { link: string };
        } | null;
        if (made?.call) await timed(ticket, `/api/calls/${made.call.link}/ticket`, post(token, {}));
        await timed(history, "/api/call-logs", { headers: { authorization: `Bearer ${token}` } });
      }
    }),
  );
  return {
    clients,
    rounds,
    wallMs: performance.now() - started,
    createCall: summarize(create),
    ticket: summarize(ticket),
    history: summarize(history),
    failures,
  };
}

/** `count` people who already have accounts log in at the same moment; each login's latency. */
export async function concurrentLogins(
  baseUrl: string,
  count: number,
): Promise<{ latency: Summary; failures: number }> {
  const tag = Math.random().toString(36).slice(2, 8);
  const password = "ef".repeat(32);
  const emails = Array.from({ length: count }, (_, i) => `burst-${tag}-${i}@example.test`);
  for (const email of emails) {
    const response = await fetch(`${baseUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Burst", email, password }),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`signup for the login burst failed: ${response.status}`);
  }
  let failures = 0;
  const latency = await Promise.all(
    emails.map(async (email) => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      await response.arrayBuffer();
      if (!response.ok) failures++;
      return performance.now() - started;
    }),
  );
  return { latency: summarize(latency), failures };
}
