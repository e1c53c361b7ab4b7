import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** People with an account. Emails are unique case-insensitively (see `users_email_lower_key`). */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    /** 16 random bytes, hex. */
    passwordSalt: text("password_salt").notNull(),
    /** SHA-256(salt ‖ client-stretched password), hex. */
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
);

/** Refresh tokens. Rotation makes a chain within one `family_id`; replaying a rotated token revokes the family. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    /** SHA-256 of the token, hex: the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_family_idx").on(t.familyId)],
);

/** A call link. `link` is the public, unguessable slug. */
export const calls = pgTable(
  "calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    link: text("link").notNull().unique(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    hostId: uuid("host_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    allowGuests: boolean("allow_guests").notNull().default(false),
    embedOrigins: text("embed_origins").array().notNull().default(sql`'{}'::text[]`),
    /** Durable Object location hint chosen from where the host created the call. */
    locationHint: text("location_hint"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("calls_host_created_idx").on(t.hostId, t.createdAt.desc(), t.id.desc())],
);

/** Everyone who was admitted to a call session, guests included. Written by the room, once per join. */
export const callParticipants = pgTable(
  "call_participants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    /** One live session of the room, from the first join to the last leave. */
    sessionId: text("session_id").notNull(),
    /** The room's participant id (one per join). */
    participantId: text("participant_id").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ["host", "participant"] }).notNull(),
    guest: boolean("guest").notNull().default(false),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull(),
    leftAt: timestamp("left_at", { withTimezone: true }),
    leaveReason: text("leave_reason"),
  },
  (t) => [
    uniqueIndex("call_participants_session_participant_key").on(t.sessionId, t.participantId),
    index("call_participants_call_idx").on(t.callId),
  ],
);

/** A signed-in person's history: one row per stay in a call, written by the room exactly once. */
export const callLogs = pgTable(
  "call_logs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Kept when the call is deleted, so history survives it. */
    callId: uuid("call_id").references(() => calls.id, { onDelete: "set null" }),
    callTitle: text("call_title").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    participantId: text("participant_id").notNull(),
    role: text("role", { enum: ["host", "participant"] }).notNull(),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull(),
    leftAt: timestamp("left_at", { withTimezone: true }).notNull(),
    durationSeconds: integer("duration_seconds").notNull(),
    participantCount: integer("participant_count").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("call_logs_session_participant_key").on(t.sessionId, t.participantId),
    index("call_logs_user_joined_idx").on(t.userId, t.joinedAt.desc(), t.id.desc()),
  ],
);
