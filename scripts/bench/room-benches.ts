// Benchmarks that need rooms: chat fan-out and many rooms relaying at once.
import type { RoomSocket } from "./relay-clients.ts";
import { type Summary, summarize } from "./stats.ts";

/** One sender chats `messages` times into a room; how long until every other socket has the message. */
export async function chatFanOut(room: RoomSocket[], messages: number, perSecond = 20): Promise<Summary> {
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  for (const socket of room) {
    socket.ws.on("message", (data) => {
      const at = performance.now();
      const frame = JSON.parse(String(data)) as { event_type: string; payload: { text?: string } };
      if (frame.event_type !== "chat_message_received" || !frame.payload.text) return;
      const start = sentAt.get(frame.payload.text);
      if (start !== undefined) latencies.push(at - start);
    });
  }
  for (let i = 0; i < messages; i++) {
    const sender = room[i % room.length];
    if (!sender) break;
    const text = `fan-out ${i}`;
    sentAt.set(text, performance.now());
    sender.sendFrame("send_chat_message", { text });
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  return summarize(latencies);
}

export interface SoakResult {
  latency: Summary;
  sent: number;
  received: number;
  lost: number;
  reordered: number;
  errors: number;
}

/** How many points of each period the senders are spread over in `manyRooms`. */
const SLICES = 10;

/**
 * Every socket of every room sends `perSecond` numbered frames a second, round-robin to the others in its
 * room, for `seconds`; receivers check per-sender order and count what never arrived.
 */
export async function manyRooms(
  rooms: RoomSocket[][],
  seconds: number,
  perSecond: number,
  phases: "spread" | "together" = "spread",
): Promise<SoakResult> {
  const latencies: number[] = [];
  let sent = 0;
  let received = 0;
  let reordered = 0;
  const expected = new Map<string, number>();
  const errorsBefore = rooms
    .flat()
    .reduce((sum, s) => sum + s.others.filter((o) => o.includes('"error"')).length, 0);
  for (const room of rooms) {
    for (const socket of room) {
      socket.asPeer().onRelay((from, _kind, body) => {
        const [seqText, stampText] = body.split(":");
        const seq = Number(seqText);
        const key = `${from}>${socket.id}`;
        const next = expected.get(key) ?? 0;
        if (seq !== next) reordered++;
        expected.set(key, seq + 1);
        received++;
        latencies.push(performance.now() - Number(stampText));
      });
    }
  }
  const counters = new Map<string, number>();
  const deadline = performance.now() + seconds * 1000;
  // Real clients are not phase-locked: each socket sends at its own point of the period (spread over
  // `SLICES` slices). "together" makes every socket send in the same millisecond, the worst case.
  const slices = phases === "spread" ? SLICES : 1;
  const sliceMs = 1000 / perSecond / slices;
  const senders = rooms.flatMap((room) => room.map((socket, index) => ({ room, socket, index })));
  // Slices are due at fixed times, so a late one does not lower the rate; the loop always yields, so the
  // replies are read (and timed) while it runs.
  const start = performance.now();
  for (let slice = 0; start + slice * sliceMs < deadline; slice++) {
    const wait = start + slice * sliceMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    const round = Math.floor(slice / slices);
    senders.forEach(({ room, socket, index }, n) => {
      if (n % slices !== slice % slices) return;
      const target = room[(index + 1 + (round % (room.length - 1))) % room.length];
      if (!target || target === socket) return;
      const key = `${socket.id}>${target.id}`;
      const seq = counters.get(key) ?? 0;
      counters.set(key, seq + 1);
      socket.asPeer().send(target.id, "offer", `${seq}:${performance.now()}`);
      sent++;
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const errors =
    rooms.flat().reduce((sum, s) => sum + s.others.filter((o) => o.includes('"error"')).length, 0) -
    errorsBefore;
  return { latency: summarize(latencies), sent, received, lost: sent - received, reordered, errors };
}
