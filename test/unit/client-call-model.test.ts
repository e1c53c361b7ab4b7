import { describe, expect, it } from "vitest";
import { gridColumns } from "../../client/src/components/call/layout";
import { linkify } from "../../client/src/components/call/linkify";
import {
  type CallState,
  CHAT_LIMIT,
  dropReaction,
  finish,
  initialCallState,
  patchSelf,
  reduceFrame as reduceWithCommands,
  setChatOpen,
  stateAfterClose,
} from "../../client/src/models/call-state";
import { createScope } from "../../client/src/models/scope";
import { CLOSE_CODES, parseServerFrame } from "../../client/src/rtc/frames";
import type { Participant, ServerFrame } from "../../src/protocol/room";

const person = (id: string, name: string, role: Participant["role"] = "participant"): Participant => ({
  id,
  user_id: role === "host" ? "u-host" : null,
  name,
  guest: role !== "host",
  role,
  audio: true,
  video: true,
  screen: false,
  hand_raised: false,
  joined_at: "2026-11-25T03:00:00.000Z",
  connected: true,
});

const host = person("p-host", "Hana", "host");
const gus = person("p-gus", "Gus");
const ivy = person("p-ivy", "Ivy");

// Most cases are about the state a frame leads to; the commands it returns are checked on their own below.
const reduceFrame = (state: CallState, frame: ServerFrame) => reduceWithCommands(state, frame).state;
const run = (frames: ServerFrame[], from: CallState = initialCallState) => frames.reduce(reduceFrame, from);

const hostIn: ServerFrame = {
  event_type: "host_joined_room",
  payload: { call_id: "c1", self: host, participants: [], waiting: [gus], resume_token: "r1" },
};

describe("the call model's reducer", () => {
  it("a host joins: in the call, sees who knocks, and keeps the resume token", () => {
    const state = run([hostIn]);
    expect(state.phase).toBe("in-call");
    expect(state.signaling).toBe("connected");
    expect(state.self?.id).toBe("p-host");
    expect(state.waiting.map((p) => p.name)).toEqual(["Gus"]);
    expect(state.resumeToken).toBe("r1");
  });

  it("knocks come and go in the host's waiting list; admitting moves a person into the call", () => {
    const state = run([
      hostIn,
      { event_type: "new_participant_request", payload: { participant: ivy } },
      { event_type: "new_participant_request", payload: { participant: ivy } },
      { event_type: "participant_request_cancelled", payload: { participant_id: "p-gus" } },
      { event_type: "new_participant", payload: { participant: ivy } },
    ]);
    expect(state.waiting).toEqual([]);
    expect(state.participants.map((p) => p.name)).toEqual(["Ivy"]);
  });

  it("a guest waits, then is accepted with everyone already there (never itself)", () => {
    const waiting = run([{ event_type: "waiting_room", payload: { call_id: "c1", self: gus } }]);
    expect(waiting.phase).toBe("waiting");
    const accepted = reduceFrame(waiting, {
      event_type: "accepted_into_room",
      payload: { call_id: "c1", self: gus, participants: [host, gus], resume_token: "r2" },
    });
    expect(accepted.phase).toBe("in-call");
    expect(accepted.participants.map((p) => p.name)).toEqual(["Hana"]);
    expect(accepted.resumeToken).toBe("r2");
  });

  it("declined, removed, ended and left are final: later frames change nothing", () => {
    const declined = run([
      { event_type: "waiting_room", payload: { call_id: "c1", self: gus } },
      { event_type: "declined_from_room", payload: { reason: "Not today" } },
    ]);
    expect(declined.phase).toBe("declined");
    expect(declined.notice).toBe("Not today");
    expect(reduceFrame(declined, hostIn)).toBe(declined);
    expect(run([hostIn, { event_type: "removed_from_room", payload: {} }]).phase).toBe("removed");
    const ended = run([
      hostIn,
      { event_type: "call_terminated", payload: { reason: "call_deleted", message: "gone" } },
    ]);
    expect(ended.phase).toBe("ended");
    expect(ended.notice).toMatch(/deleted/);
    expect(run([hostIn, { event_type: "left_room", payload: {} }]).phase).toBe("left");
    expect(finish(ended, "left").phase).toBe("ended");
  });

  it("updates and departures change the right person; the own seat comes from the room too", () => {
    const muted = { ...gus, audio: false, hand_raised: true };
    const state = run([
      hostIn,
      { event_type: "new_participant", payload: { participant: gus } },
      { event_type: "new_participant", payload: { participant: ivy } },
      { event_type: "participant_updated", payload: { participant: muted } },
      { event_type: "participant_updated", payload: { participant: { ...host, screen: true } } },
      { event_type: "participant_left", payload: { participant_id: "p-ivy", reason: "disconnected" } },
    ]);
    expect(state.participants).toEqual([muted]);
    expect(state.self?.screen).toBe(true);
    // An update for someone who already left does not bring them back.
    expect(
      reduceFrame(state, { event_type: "participant_updated", payload: { participant: ivy } }).participants,
    ).toEqual([muted]);
  });

  it("counts unread chat only while the panel is closed and never for own messages", () => {
    const message = (id: string, sender: string, name: string): ServerFrame => ({
      event_type: "chat_message_received",
      payload: {
        id,
        sender_id: sender,
        sender_name: name,
        text: `hi ${id}`,
        sent_at: "2026-11-25T03:01:00.000Z",
      },
    });
    let state = run([
      hostIn,
      message("m1", "p-gus", "Gus"),
      message("m2", "p-host", "Hana"),
      message("m1", "p-gus", "Gus"),
    ]);
    expect(state.chat.map((m) => [m.id, m.mine])).toEqual([
      ["m1", false],
      ["m2", true],
    ]);
    expect(state.unread).toBe(1);
    state = setChatOpen(state, true);
    expect(state.unread).toBe(0);
    state = reduceFrame(state, message("m3", "p-gus", "Gus"));
    expect(state.unread).toBe(0);
    state = setChatOpen(state, false);
    for (let i = 0; i < CHAT_LIMIT + 5; i += 1) state = reduceFrame(state, message(`x${i}`, "p-gus", "Gus"));
    expect(state.chat).toHaveLength(CHAT_LIMIT);
  });

  it("reactions float and are dropped by key", () => {
    const state = run([
      hostIn,
      { event_type: "emoji_received", payload: { sender_id: "p-gus", emoji: "🎉" } },
    ]);
    const reaction = state.reactions[0];
    expect(reaction?.emoji).toBe("🎉");
    expect(dropReaction(state, reaction?.key ?? -1).reactions).toEqual([]);
  });

  it("room errors become words; own media changes show at once", () => {
    const state = run([hostIn, { event_type: "error", payload: { code: "not_host", message: "x" } }]);
    expect(state.error).toBe("Only the host can do that.");
    expect(patchSelf(state, { audio: false }).self?.audio).toBe(false);
  });
});

describe("what the reducer asks the call model to do", () => {
  const commandsOf = (frame: ServerFrame, from: CallState) => reduceWithCommands(from, frame).commands;
  const inCall = run([hostIn, { event_type: "new_participant", payload: { participant: gus } }]);

  it("admission lists who is there (the room's offer target too); knocking prepares the spare", () => {
    expect(commandsOf(hostIn, initialCallState)).toEqual([
      { type: "admitted", selfId: "p-host", present: [] },
    ]);
    const waiting = run([{ event_type: "waiting_room", payload: { call_id: "c1", self: ivy } }]);
    expect(
      commandsOf({ event_type: "waiting_room", payload: { call_id: "c1", self: ivy } }, initialCallState),
    ).toEqual([{ type: "knocking", selfId: "p-ivy" }]);
    const accepted: ServerFrame = {
      event_type: "accepted_into_room",
      payload: {
        call_id: "c1",
        self: ivy,
        participants: [host, ivy],
        resume_token: "r2",
        offer_sent_to: "p-host",
      },
    };
    expect(commandsOf(accepted, waiting)).toEqual([
      { type: "admitted", selfId: "p-ivy", present: ["p-host", "p-ivy"], offerSentTo: "p-host" },
    ]);
  });

  it("only a new knock rings; a replayed one does not", () => {
    const knock: ServerFrame = { event_type: "new_participant_request", payload: { participant: ivy } };
    expect(commandsOf(knock, inCall)).toEqual([{ type: "knock", person: ivy }]);
    expect(commandsOf(knock, run([knock], inCall))).toEqual([]);
  });

  it("a person's socket going away and coming back reaches their connection", () => {
    const away = { ...gus, connected: false };
    const updated = (participant: Participant): ServerFrame => ({
      event_type: "participant_updated",
      payload: { participant },
    });
    expect(commandsOf(updated(away), inCall)).toEqual([{ type: "peer_away", id: "p-gus" }]);
    expect(commandsOf(updated(gus), run([updated(away)], inCall))).toEqual([
      { type: "peer_back", id: "p-gus" },
    ]);
    expect(commandsOf(updated({ ...gus, audio: false }), inCall)).toEqual([]);
  });

  it("the reaction that floats is the one the frame added, and it expires by its key", () => {
    const frame: ServerFrame = { event_type: "emoji_received", payload: { sender_id: "p-gus", emoji: "🎉" } };
    const { state, commands } = reduceWithCommands(inCall, frame);
    expect(commands).toEqual([{ type: "expire_reaction", key: state.reactions.at(-1)?.key }]);
  });

  it("the end of a person's part in the call stops everything; a final state asks for nothing", () => {
    expect(commandsOf({ event_type: "left_room", payload: {} }, inCall)).toEqual([{ type: "over" }]);
    const left = run([{ event_type: "left_room", payload: {} }], inCall);
    expect(
      commandsOf(
        { event_type: "participant_left", payload: { participant_id: "p-gus", reason: "left" } },
        left,
      ),
    ).toEqual([]);
    expect(
      commandsOf(
        { event_type: "participant_left", payload: { participant_id: "p-gus", reason: "left" } },
        inCall,
      ),
    ).toEqual([{ type: "peer_left", id: "p-gus" }]);
  });
});

describe("the call session's close codes", () => {
  const inCall = run([hostIn]);
  it("turns the room's close codes into the phase the person sees", () => {
    expect(stateAfterClose(inCall, { code: CLOSE_CODES.terminated, reason: "" }).phase).toBe("ended");
    expect(stateAfterClose(inCall, { code: CLOSE_CODES.removed, reason: "" }).phase).toBe("removed");
    const waiting = run([{ event_type: "waiting_room", payload: { call_id: "c1", self: gus } }]);
    expect(stateAfterClose(waiting, { code: CLOSE_CODES.removed, reason: "" }).phase).toBe("declined");
    expect(stateAfterClose(inCall, { code: CLOSE_CODES.room_full, reason: "" }).notice).toBe(
      "The call is full.",
    );
    expect(stateAfterClose(inCall, { code: CLOSE_CODES.replaced, reason: "" }).notice).toMatch(/another tab/);
    expect(stateAfterClose(inCall, { code: 4404, reason: "The call was deleted." }).notice).toBe(
      "The call was deleted.",
    );
    expect(stateAfterClose(inCall, { code: 1000, reason: "closed" })).toBe(inCall);
    const left = finish(inCall, "left");
    expect(stateAfterClose(left, { code: CLOSE_CODES.terminated, reason: "" })).toBe(left);
  });
});

describe("a model's scope", () => {
  it("stops what was started, newest first, once; nothing starts after", () => {
    const scope = createScope();
    const stopped: string[] = [];
    scope.onDispose(() => stopped.push("socket"));
    scope.onDispose(() => stopped.push("peers"));
    let ran = false;
    scope.later(() => {
      ran = true;
    }, 0);
    scope.dispose();
    scope.dispose();
    expect(stopped).toEqual(["peers", "socket"]);
    scope.onDispose(() => stopped.push("late"));
    expect(stopped).toEqual(["peers", "socket", "late"]);
    expect(scope.disposed).toBe(true);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(ran).toBe(false);
        resolve();
      }, 5),
    );
  });
});

describe("frames from the room", () => {
  it("parses valid frames and refuses garbage without throwing", () => {
    expect(parseServerFrame('{"event_type":"pong","payload":{}}')).toEqual({
      event_type: "pong",
      payload: {},
    });
    expect(parseServerFrame("not json")).toBeNull();
    expect(parseServerFrame('{"event_type":"nope","payload":{}}')).toBeNull();
    expect(parseServerFrame('{"event_type":"participant_left","payload":{}}')).toBeNull();
  });
});

describe("chat links", () => {
  it("makes http(s) links clickable and leaves markup as plain text", () => {
    expect(linkify("see https://example.com/a?b=1. <script>x</script>")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: ". <script>x</script>" },
    ]);
  });

  it("never links other schemes and adds https to www links", () => {
    expect(linkify("javascript:alert(1)")).toEqual([{ kind: "text", text: "javascript:alert(1)" }]);
    expect(linkify("www.example.org")).toEqual([
      { kind: "link", text: "www.example.org", href: "https://www.example.org/" },
    ]);
    expect(linkify("(https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      { kind: "text", text: "(" },
      {
        kind: "link",
        text: "https://en.wikipedia.org/wiki/Foo_(bar)",
        href: "https://en.wikipedia.org/wiki/Foo_(bar)",
      },
      { kind: "text", text: ")" },
    ]);
  });
});

describe("tile grid", () => {
  it("fits 1–12 people in a landscape box with sensible columns", () => {
    const wide = 16 / 9;
    expect([1, 2, 3, 4, 5, 6, 9, 12].map((n) => gridColumns(n, wide))).toEqual([1, 2, 2, 2, 3, 3, 3, 4]);
  });

  it("stacks people on a portrait phone", () => {
    expect(gridColumns(2, 9 / 16)).toBe(1);
    expect(gridColumns(4, 9 / 16)).toBeLessThanOrEqual(2);
  });
});

describe("chat links show where they go", () => {
  it("does not link a URL whose user info hides the real host", () => {
    const text = "log in at https://user:pw@bank.example@evil.example/ now";
    const parts = linkify(text);
    expect(parts.filter((p) => p.kind === "link")).toEqual([]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(linkify("https://bank.example@evil.example").some((p) => p.kind === "link")).toBe(false);
    expect(linkify("https://bank.example%40x@evil.example/").some((p) => p.kind === "link")).toBe(false);
  });

  it("does not link a host the parser rewrites (look-alike letters, encoded dots)", () => {
    // Cyrillic "а" in "bаnk": the target is punycode, not the bank a reader sees.
    expect(linkify("https://b\u0430nk.example/").some((p) => p.kind === "link")).toBe(false);
    expect(linkify("https://bank%2eexample/").some((p) => p.kind === "link")).toBe(false);
  });

  it("still links ordinary URLs, with ports, paths and queries", () => {
    expect(linkify("https://Example.com:8443/a?b=1#c")).toEqual([
      { kind: "link", text: "https://Example.com:8443/a?b=1#c", href: "https://example.com:8443/a?b=1#c" },
    ]);
  });
});
