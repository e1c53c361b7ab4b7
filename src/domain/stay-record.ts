import type { Role } from "../protocol/room";

// What the room hands to Postgres, in a module of its own: the room queues these in its outbox and
// src/domain/call-records.ts writes them, so the domain never imports the room (which imports the domain).

/** One admitted stay, as written to `call_participants` (and `call_logs` for people with an account). */
export interface StayRecord {
  session_id: string;
  participant_id: string;
  call_id: string;
  call_title: string;
  user_id: string | null;
  display_name: string;
  role: Role;
  guest: boolean;
  joined_at: string;
  left_at: string | null;
  leave_reason: string | null;
  participant_count: number;
}

/** A write for Postgres, queued in the room's outbox: a stay began, or a stay ended (with its log). */
export type OutboxRecord = { kind: "joined"; stay: StayRecord } | { kind: "left"; stay: StayRecord };
