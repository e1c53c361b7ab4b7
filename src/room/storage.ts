import * as z from "zod";
import { roleSchema } from "../protocol/room";
import { ticketClaimsSchema } from "../protocol/ticket";
import type { ConnectionAttachment, OutboxRecord, PersistedRoom } from "./state";

const memberSchema = z.object({
  id: z.string(),
  sub: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  guest: z.boolean(),
  role: roleSchema,
  status: z.enum(["waiting", "admitted"]),
  audio: z.boolean(),
  video: z.boolean(),
  screen: z.boolean(),
  handRaised: z.boolean(),
  joinedAt: z.number(),
  connectionId: z.string().nullable(),
  disconnectedAt: z.number().nullable(),
  resumeToken: z.string(),
  peak: z.number(),
});

const persistedRoomSchema = z.object({
  call: z.object({ id: z.string(), link: z.string(), title: z.string(), hostUserId: z.string() }).nullable(),
  sessionId: z.string().nullable(),
  members: z.record(z.string(), memberSchema),
  deleted: z.boolean(),
});

const stayRecordSchema = z.object({
  session_id: z.string(),
  participant_id: z.string(),
  call_id: z.string(),
  call_title: z.string(),
  user_id: z.string().nullable(),
  display_name: z.string(),
  role: roleSchema,
  guest: z.boolean(),
  joined_at: z.string(),
  left_at: z.string().nullable(),
  leave_reason: z.string().nullable(),
  participant_count: z.number(),
});

const outboxRecordSchema = z.object({ kind: z.enum(["joined", "left"]), stay: stayRecordSchema });

/** A socket attachment as written by the room (validated when read back after hibernation). */
export const attachmentSchema = z.object({
  id: z.string(),
  identity: ticketClaimsSchema,
  participantId: z.string().nullable(),
  openedAt: z.number(),
});

/** Reads a socket's attachment; null when it has none or it is not ours. */
export function readAttachment(value: unknown): ConnectionAttachment | null {
  const parsed = attachmentSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export interface OutboxRow {
  id: number;
  record: OutboxRecord;
  attempts: number;
}

/**
 * The room's own SQLite: one row with the room's state, one row per knock offer, and the outbox of writes
 * for Postgres. Counts what it writes (`writes`: rows, `bytesWritten`: text written), so tests can hold the
 * room to its storage bounds.
 */
export class RoomStorage {
  /** Rows written since this instance started (SQLite's own count). */
  writes = 0;
  /** Characters of state, offers and records written since this instance started. */
  bytesWritten = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS room (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      state TEXT NOT NULL
    )`);
    sql.exec(`CREATE TABLE IF NOT EXISTS outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      record TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL
    )`);
    sql.exec(`CREATE TABLE IF NOT EXISTS knock_offers (
      participant_id TEXT PRIMARY KEY,
      sdp TEXT NOT NULL
    )`);
    // Rooms saved before offers had rows of their own kept them in the state; those are simply dropped
    // (a newcomer without a held offer offers as usual).
  }

  private write(query: string, ...values: (string | number)[]): void {
    const cursor = this.sql.exec(query, ...values);
    cursor.toArray();
    this.writes += cursor.rowsWritten;
    for (const value of values) if (typeof value === "string") this.bytesWritten += value.length;
  }

  /** The saved room, or null for a new room (or a saved state this code cannot read). */
  loadRoom(): PersistedRoom | null {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM room WHERE id = 1").toArray()[0];
    if (!row) return null;
    const parsed = persistedRoomSchema.safeParse(JSON.parse(row.state));
    if (!parsed.success) {
      console.error("room state in storage is unreadable; starting empty", parsed.error.message);
      return null;
    }
    return parsed.data;
  }

  saveRoom(room: PersistedRoom): void {
    this.write(
      "INSERT INTO room (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state",
      JSON.stringify(room),
    );
  }

  /** The stored knock offers by participant id. */
  loadOffers(): Record<string, string> {
    const offers: Record<string, string> = {};
    for (const row of this.sql
      .exec<{ participant_id: string; sdp: string }>("SELECT participant_id, sdp FROM knock_offers")
      .toArray())
      offers[row.participant_id] = row.sdp;
    return offers;
  }

  /** Stores one knock's offer on its own row (null deletes it). */
  saveOffer(participantId: string, sdp: string | null): void {
    if (sdp === null) this.write("DELETE FROM knock_offers WHERE participant_id = ?", participantId);
    else
      this.write(
        "INSERT INTO knock_offers (participant_id, sdp) VALUES (?, ?) ON CONFLICT (participant_id) DO UPDATE SET sdp = excluded.sdp",
        participantId,
        sdp,
      );
  }

  enqueue(record: OutboxRecord, at: number): void {
    this.write("INSERT INTO outbox (record, next_attempt_at) VALUES (?, ?)", JSON.stringify(record), at);
  }

  /** Outbox rows due at `now`, oldest first. */
  due(now: number, limit = 100): OutboxRow[] {
    const rows = this.sql
      .exec<{ id: number; record: string; attempts: number }>(
        "SELECT id, record, attempts FROM outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?",
        now,
        limit,
      )
      .toArray();
    const result: OutboxRow[] = [];
    for (const row of rows) {
      const parsed = outboxRecordSchema.safeParse(JSON.parse(row.record));
      if (parsed.success) result.push({ id: row.id, record: parsed.data, attempts: row.attempts });
      else {
        console.error("dropping an unreadable outbox row", row.id, parsed.error.message);
        this.done(row.id);
      }
    }
    return result;
  }

  done(id: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id = ?", id);
  }

  retryLater(id: number, attempts: number, at: number): void {
    this.sql.exec("UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?", attempts, at, id);
  }

  /** When the next outbox row is due, or null when the outbox is empty. */
  nextDue(): number | null {
    const row = this.sql
      .exec<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox")
      .toArray()[0];
    return row?.at ?? null;
  }
}
