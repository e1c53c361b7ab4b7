import { and, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client";
import { sessions } from "../db/schema";
import { encodeBase64Url } from "../protocol/base64url";
import { randomBytes, sha256Hex } from "./secrets";

/** A refresh token lives 30 days from its last use (each use rotates it). */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** A refresh token handed to the client, and the session family it belongs to. */
export interface IssuedRefresh {
  token: string;
  userId: string;
  familyId: string;
}

async function insertToken(db: Db, userId: string, familyId: string, now: number): Promise<IssuedRefresh> {
  const token = encodeBase64Url(randomBytes(32));
  await db.insert(sessions).values({
    userId,
    familyId,
    tokenHash: await sha256Hex(token),
    expiresAt: new Date(now + REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  return { token, userId, familyId };
}

/** Starts a new session family (sign-up or login) with its first refresh token. */
export function startSession(db: Db, userId: string, now = Date.now()): Promise<IssuedRefresh> {
  return insertToken(db, userId, crypto.randomUUID(), now);
}

/** Revokes every live token of a session family. */
async function revokeFamily(db: Db, familyId: string, now: number): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

/**
 * Trades a refresh token for a new one in the same family. Presenting a token that was already rotated
 * means it leaked (or was replayed): the whole family is revoked. Null whenever the token is not usable.
 */
export async function rotateSession(db: Db, token: string, now = Date.now()): Promise<IssuedRefresh | null> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row || row.revokedAt) return null;
  if (row.rotatedAt) {
    await revokeFamily(db, row.familyId, now);
    return null;
  }
  if (row.expiresAt.getTime() <= now) return null;
  // Only one of two concurrent uses of the same token wins; the loser counts as a replay.
  const claimed = await db
    .update(sessions)
    .set({ rotatedAt: new Date(now) })
    .where(and(eq(sessions.id, row.id), isNull(sessions.rotatedAt), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (claimed.length === 0) {
    await revokeFamily(db, row.familyId, now);
    return null;
  }
  return insertToken(db, row.userId, row.familyId, now);
}

/** Ends the session a refresh token belongs to (logout); unknown tokens are ignored. */
export async function endSession(db: Db, token: string, now = Date.now()): Promise<void> {
  const [row] = await db
    .select({ familyId: sessions.familyId })
    .from(sessions)
    .where(eq(sessions.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (row) await revokeFamily(db, row.familyId, now);
}

/** Revokes all of a user's sessions except the family `keep` (after a password change). */
export async function revokeOtherSessions(db: Db, userId: string, keep: string, now = Date.now()) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(sessions.userId, userId), ne(sessions.familyId, keep), isNull(sessions.revokedAt)));
}
