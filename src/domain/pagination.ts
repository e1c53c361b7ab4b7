import { desc, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import * as z from "zod";
import { decodeBase64Url, encodeBase64Url } from "../protocol/base64url";

/** A position in a newest-first list: the last row's timestamp (microseconds kept, as Postgres text) and id. */
export interface Cursor {
  at: string;
  id: string;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

/**
 * Whether `text` is a UTC timestamp that exists (the shape alone lets through 2026-02-30 or 25:61, which
 * Postgres would refuse mid-query): a real calendar day, a real time of day, in the years rows can have.
 */
export function isRealTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

const cursorSchema = z.tuple([z.string().refine(isRealTimestamp), z.uuid()]);

/** Encodes a cursor as opaque URL-safe text. */
export function encodeCursor(cursor: Cursor): string {
  return encodeBase64Url(JSON.stringify([cursor.at, cursor.id]));
}

/** Decodes a cursor from `encodeCursor`; null when it was tampered with or is not one. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const json = decodeBase64Url(text);
    const parsed = cursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? { at: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

export const DEFAULT_PAGE_SIZE = 20;

/** The columns a newest-first list is ordered by: a timestamp, and the row's uuid to break ties. */
export interface CursorColumns {
  at: AnyPgColumn;
  id: AnyPgColumn;
}

/**
 * What a paged query selects, filters and orders by: the timestamp as cursor text (microseconds kept: a JS
 * Date would round them away and skip or repeat rows), the rows after `after` (none: the first page), and
 * newest first. The query then fetches `limit + 1` rows and hands them to `toPage`.
 */
export function cursorQuery(columns: CursorColumns, after: Cursor | null) {
  return {
    cursorAt: sql<string>`to_char(${columns.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    after: after
      ? sql`(${columns.at}, ${columns.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
      : (undefined as SQL | undefined),
    order: [desc(columns.at), desc(columns.id)] as const,
  };
}

/** Cuts the `limit + 1` rows of a paged query to one page and the cursor of the next (null on the last). */
export function toPage<Row extends { id: string; cursorAt: string }>(
  rows: Row[],
  limit: number,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}
