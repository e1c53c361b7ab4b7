import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { calls, users } from "../db/schema";
import { type Call, embedOriginsSchema, type PublicCall } from "../protocol/rest";
import { newCallLink } from "./links";
import type { LocationHint } from "./location";
import { type Cursor, cursorQuery, toPage } from "./pagination";

type CallRow = typeof calls.$inferSelect;

/** A call together with its host's name, as the API shows it. */
export interface CallRecord extends CallRow {
  hostName: string;
}

/** The full call, for its host. `origin` is where the app is served (for `join_url`). */
export function toCall(record: CallRecord, origin: string): Call {
  return {
    id: record.id,
    link: record.link,
    title: record.title,
    description: record.description,
    host: { id: record.hostId, name: record.hostName },
    allow_guests: record.allowGuests,
    embed_origins: record.embedOrigins,
    join_url: `${origin}/call/${record.link}`,
    created_at: record.createdAt.toISOString(),
  };
}

/** The little a stranger with the link may see. */
export function toPublicCall(record: CallRecord): PublicCall {
  return {
    link: record.link,
    title: record.title,
    host: { name: record.hostName },
    allow_guests: record.allowGuests,
  };
}

export interface NewCall {
  title: string;
  description?: string;
  allowGuests?: boolean;
  embedOrigins?: string[];
}

/** Creates a call with a fresh unguessable link, hosted by `host`. */
export async function createCall(
  db: Db,
  host: { id: string; name: string },
  input: NewCall,
  locationHint: LocationHint | null,
): Promise<CallRecord> {
  // 80 random bits make a collision practically impossible; the retry only guards the unique index.
  for (let attempt = 0; ; attempt++) {
    const [row] = await db
      .insert(calls)
      .values({
        link: newCallLink(input.title),
        title: input.title,
        description: input.description ?? "",
        hostId: host.id,
        allowGuests: input.allowGuests ?? false,
        embedOrigins: input.embedOrigins ?? [],
        locationHint,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return { ...row, hostName: host.name };
    if (attempt >= 2) throw new Error("could not allocate a unique call link");
  }
}

const withHost = {
  id: calls.id,
  link: calls.link,
  title: calls.title,
  description: calls.description,
  hostId: calls.hostId,
  allowGuests: calls.allowGuests,
  embedOrigins: calls.embedOrigins,
  locationHint: calls.locationHint,
  createdAt: calls.createdAt,
  updatedAt: calls.updatedAt,
  hostName: users.name,
};

/** The call at `link` with its host's name; null when there is none. */
export async function findCall(db: Db, link: string): Promise<CallRecord | null> {
  const [row] = await db
    .select(withHost)
    .from(calls)
    .innerJoin(users, eq(users.id, calls.hostId))
    .where(eq(calls.link, link))
    .limit(1);
  return row ?? null;
}

/** One page of the calls `hostId` hosts, newest first, and the cursor of the next page. */
export async function listHostedCalls(
  db: Db,
  hostId: string,
  after: Cursor | null,
  limit: number,
): Promise<{ calls: CallRecord[]; nextCursor: string | null }> {
  const paged = cursorQuery({ at: calls.createdAt, id: calls.id }, after);
  const rows = await db
    .select({ ...withHost, cursorAt: paged.cursorAt })
    .from(calls)
    .innerJoin(users, eq(users.id, calls.hostId))
    .where(and(eq(calls.hostId, hostId), paged.after))
    .orderBy(...paged.order)
    .limit(limit + 1);
  const { page, nextCursor } = toPage(rows, limit);
  return { calls: page.map(({ cursorAt: _, ...record }) => record), nextCursor };
}

export interface CallChanges {
  title?: string;
  description?: string;
  allowGuests?: boolean;
  embedOrigins?: string[];
}

/** Applies changes to a call the caller hosts; null when it vanished meanwhile. */
export async function updateCall(
  db: Db,
  record: CallRecord,
  changes: CallChanges,
): Promise<CallRecord | null> {
  const [row] = await db
    .update(calls)
    .set({
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.allowGuests !== undefined ? { allowGuests: changes.allowGuests } : {}),
      ...(changes.embedOrigins !== undefined ? { embedOrigins: changes.embedOrigins } : {}),
      updatedAt: new Date(),
    })
    .where(eq(calls.id, record.id))
    .returning();
  return row ? { ...row, hostName: record.hostName } : null;
}

/** Deletes a call (its participant records go with it; people's call logs stay, without the call id). */
export async function deleteCall(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(calls).where(eq(calls.id, id)).returning({ id: calls.id });
  return deleted.length > 0;
}

/**
 * The origins allowed to frame the call at `link`: one indexed single-column query. An unknown call, or
 * stored values that are no longer valid origins, give none (the page is then unframeable).
 */
export async function embedOriginsOf(db: Db, link: string): Promise<string[]> {
  const [row] = await db
    .select({ embedOrigins: calls.embedOrigins })
    .from(calls)
    .where(eq(calls.link, link))
    .limit(1);
  // The value goes into a header; re-check it rather than trust what the table holds.
  const origins = embedOriginsSchema.safeParse(row?.embedOrigins ?? []);
  return origins.success ? origins.data : [];
}
