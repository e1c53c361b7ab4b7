import { describe, expect, it } from "vitest";
import { createApi } from "../../client/src/api/endpoints";
import type { ApiRequest } from "../../client/src/api/http";
import type { Call, CallLog } from "../../client/src/api/types";
import { CallHistoryModel } from "../../client/src/models/call-history";
import { CallsModel } from "../../client/src/models/calls";
import { callListSchema, callLogListSchema, callResultSchema } from "../../src/protocol/rest";

// A transport that answers like the Worker's calls endpoints (docs/api.md) from an in-memory list,
// newest first, two to a page. The real endpoints are exercised by test/e2e/home.test.ts in Chromium.
// Every answer goes through the Worker's response schemas, so the fake cannot drift from the Worker.
function callsServer(initial: Call[]) {
  let calls = [...initial];
  const send = async <T>(request: ApiRequest): Promise<T> => {
    const url = new URL(request.path, "https://vcme.test");
    const body = request.body as Partial<Call> | undefined;
    if (request.method === "GET" && url.pathname === "/api/calls") {
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const next = start + 2 < calls.length ? String(start + 2) : null;
      return callListSchema.parse({ calls: calls.slice(start, start + 2), next_cursor: next }) as T;
    }
    if (request.method === "POST" && url.pathname === "/api/calls") {
      const call = makeCall(`new-${calls.length}`, body?.title ?? "");
      calls = [call, ...calls];
      return callResultSchema.parse({ call }) as T;
    }
    const link = url.pathname.split("/")[3] ?? "";
    if (request.method === "PATCH") {
      calls = calls.map((call) => (call.link === link ? { ...call, ...body } : call));
      return callResultSchema.parse({ call: calls.find((call) => call.link === link) }) as T;
    }
    calls = calls.filter((call) => call.link !== link);
    return undefined as T;
  };
  return { api: createApi(send), add: (call: Call) => calls.unshift(call) };
}

function makeCall(link: string, title: string): Call {
  return {
    id: link,
    link,
    title,
    description: "",
    host: { id: "u1", name: "Ada" },
    allow_guests: true,
    embed_origins: [],
    join_url: `https://vcme.test/call/${link}`,
    created_at: "2026-11-25T00:00:00Z",
  };
}

describe("the calls model (home screen)", () => {
  it("loads the first page, then more, without showing a call twice when the list moved meanwhile", async () => {
    const server = callsServer([makeCall("c-3", "Three"), makeCall("c-2", "Two"), makeCall("c-1", "One")]);
    const model = new CallsModel(server.api);
    await model.load();
    expect(model.calls.value.map((call) => call.title)).toEqual(["Three", "Two"]);
    expect(model.nextCursor.value).toBe("2");
    // A call created in another tab shifts the server's pages by one.
    server.add(makeCall("c-4", "Four"));
    await model.loadMore();
    expect(model.calls.value.map((call) => call.title)).toEqual(["Three", "Two", "One"]);
    expect(model.nextCursor.value).toBeNull();
  });

  it("puts a new call first and updates renamed, re-permissioned and deleted calls in place", async () => {
    const server = callsServer([makeCall("c-1", "One")]);
    const model = new CallsModel(server.api);
    await model.load();
    const created = await model.create("Standup", false);
    expect(model.calls.value.map((call) => call.title)).toEqual(["Standup", "One"]);
    await model.rename(created.link, "Daily standup");
    await model.setGuests("c-1", false);
    expect(model.calls.value.map((call) => [call.title, call.allow_guests])).toEqual([
      ["Daily standup", true],
      ["One", false],
    ]);
    await model.remove(created.link);
    expect(model.calls.value.map((call) => call.title)).toEqual(["One"]);
  });

  it("shows a failure to load as words, not as an exception", async () => {
    const model = new CallsModel(
      createApi(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await model.load();
    expect(model.error.value).toBe("Something went wrong on our side. Please try again.");
    expect(model.loading.value).toBe(false);
  });
});

describe("the call history model", () => {
  it("pages through the history with the server's cursor", async () => {
    const log = (title: string): CallLog => ({
      call_id: title,
      call_title: title,
      role: "host",
      joined_at: "2026-11-25T10:00:00Z",
      left_at: "2026-11-25T11:02:00Z",
      duration_seconds: 3720,
      participant_count: 3,
    });
    const pages: Record<string, { call_logs: CallLog[]; next_cursor: string | null }> = {
      "": { call_logs: [log("B")], next_cursor: "p2" },
      p2: { call_logs: [log("A")], next_cursor: null },
    };
    const model = new CallHistoryModel(
      createApi(async <T>(request: ApiRequest) => {
        const cursor = new URL(request.path, "https://vcme.test").searchParams.get("cursor") ?? "";
        return callLogListSchema.parse(pages[cursor]) as T;
      }),
    );
    await model.load();
    expect(model.logs.value.map((entry) => entry.call_title)).toEqual(["B"]);
    await model.loadMore();
    expect(model.logs.value.map((entry) => entry.call_title)).toEqual(["B", "A"]);
    expect(model.nextCursor.value).toBeNull();
  });
});
