import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPerson } from "./support/browser";
import { createCall, shot, signUp } from "./support/client-accounts";

/**
 * Takes part in the call from inside the signed-in page, speaking the room protocol over a real socket:
 * a ticket from the REST API, `join_room`, then `leave_room`. The room writes the call log itself.
 */
async function attendCall(page: Page, link: string): Promise<void> {
  await page.evaluate(async (callLink) => {
    const refreshed = await fetch("/api/auth/refresh", { method: "POST" });
    const { access_token } = (await refreshed.json()) as { access_token: string };
    const answer = await fetch(`/api/calls/${callLink}/ticket`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: "{}",
    });
    const { ticket, ws_url } = (await answer.json()) as { ticket: string; ws_url: string };
    const socket = new WebSocket(`${ws_url}?ticket=${encodeURIComponent(ticket)}`);
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error("the room did not answer")), 10_000);
      socket.addEventListener("open", () =>
        socket.send(JSON.stringify({ event_type: "join_room", payload: { audio: false, video: false } })),
      );
      socket.addEventListener("message", (event) => {
        const frame = JSON.parse(String(event.data)) as { event_type: string };
        if (frame.event_type === "host_joined_room") {
          // Stay a moment so the call has a duration.
          setTimeout(() => socket.send(JSON.stringify({ event_type: "leave_room", payload: {} })), 1200);
        }
        if (frame.event_type === "left_room") resolve();
      });
      socket.addEventListener("error", () => reject(new Error("socket error")));
    });
    socket.close();
  }, link);
}

describe("call history in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("explains an empty history to a new person", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "nohistory");
    await page.getByRole("link", { name: "Call history" }).click();
    await page.getByRole("heading", { name: "Call history" }).waitFor();
    await page.getByText("When you take part in a call, it shows up here").waitFor();
    await shot(page, "history-empty");
    await context.close();
  });

  it("lists a finished call with its title, role, duration and participants", async () => {
    const { context, page } = await newPerson(browser);
    await signUp(page, "historian");
    const link = await createCall(page, "Retro meeting");
    await attendCall(page, link);

    await page.goto("/logs");
    const table = page.getByRole("table", { name: "Call history" });
    const row = table.getByRole("row").filter({ hasText: "Retro meeting" });
    const empty = page.getByText("No calls yet.");
    // The room writes the log from its outbox about a second after the person leaves (retrying with backoff
    // when Postgres is unreachable), so the page may first say there are no calls: reload until it is there.
    for (let attempt = 0; attempt < 60; attempt++) {
      await row.or(empty).first().waitFor();
      if ((await row.count()) > 0) break;
      await page.waitForTimeout(500);
      await page.reload();
    }
    await row.waitFor();
    const headers = await table.getByRole("columnheader").allTextContents();
    expect(headers.map((text) => text.trim())).toEqual([
      "Title",
      "Role",
      "Joined",
      "Duration",
      "Participants",
    ]);
    const cells = (await row.getByRole("cell").allTextContents()).map((text) => text.trim());
    expect(cells[0]).toBe("Retro meeting");
    expect(cells[1]).toBe("Host");
    expect(cells[3]).toMatch(/^\d+ s$/);
    expect(cells[4]).toBe("1");
    await shot(page, "history");
    await page.setViewportSize({ width: 320, height: 640 });
    await shot(page, "history-phone");
    await context.close();
  });
});
