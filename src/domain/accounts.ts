import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import type { User } from "../protocol/rest";
import { constantTimeEqual, fromHex, randomBytes, sha256Hex, toHex } from "./secrets";

type UserRow = typeof users.$inferSelect;

/** The wire shape of a user. */
export function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, email: row.email, created_at: row.createdAt.toISOString() };
}

/**
 * The server half of the password stretch: SHA-256(salt ‖ client value). The client already spent 600 000
 * PBKDF2 rounds, so one salted hash is enough here and keeps a login far under the 10 ms CPU budget.
 */
export async function hashClientPassword(saltHex: string, clientValue: string): Promise<string> {
  const salt = fromHex(saltHex);
  const value = fromHex(clientValue);
  const joined = new Uint8Array(salt.length + value.length);
  joined.set(salt);
  joined.set(value, salt.length);
  return sha256Hex(joined);
}

async function newPasswordFields(clientValue: string) {
  const passwordSalt = toHex(randomBytes(16));
  return { passwordSalt, passwordHash: await hashClientPassword(passwordSalt, clientValue) };
}

// Checked against when the email is unknown, so a miss costs the same work as a wrong password.
const DECOY_SALT = "00000000000000000000000000000000";
const DECOY_HASH = "0".repeat(64);

const byEmail = (email: string) => eq(sql`lower(${users.email})`, email.toLowerCase());

/** Creates an account; null when the email is already taken (case-insensitively). */
export async function createAccount(
  db: Db,
  input: { name: string; email: string; password: string },
): Promise<UserRow | null> {
  const [row] = await db
    .insert(users)
    .values({ name: input.name, email: input.email, ...(await newPasswordFields(input.password)) })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** The account for this email and client password value; null for any wrong pair. */
export async function authenticate(db: Db, email: string, clientValue: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(byEmail(email)).limit(1);
  const hash = await hashClientPassword(row?.passwordSalt ?? DECOY_SALT, clientValue);
  const matches = constantTimeEqual(hash, row?.passwordHash ?? DECOY_HASH);
  return row && matches ? row : null;
}

/** One account by id; null when it no longer exists. */
export async function findUser(db: Db, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** Changes what a person may change about themselves; null when the account is gone. */
export async function updateUser(db: Db, id: string, changes: { name?: string }): Promise<UserRow | null> {
  if (changes.name === undefined) return findUser(db, id);
  const [row] = await db
    .update(users)
    .set({ name: changes.name, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row ?? null;
}

/** Replaces the password when `current` matches; false otherwise (nothing changes). */
export async function changePassword(db: Db, id: string, current: string, next: string): Promise<boolean> {
  const row = await findUser(db, id);
  if (!row) return false;
  const hash = await hashClientPassword(row.passwordSalt, current);
  if (!constantTimeEqual(hash, row.passwordHash)) return false;
  await db
    .update(users)
    .set({ ...(await newPasswordFields(next)), updatedAt: new Date() })
    .where(eq(users.id, id));
  return true;
}
