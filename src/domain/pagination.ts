import * as z from "zod";

/** A position in a newest-first list: the last row's timestamp (microseconds kept, as Postgres text) and id. */
export interface Cursor {
  at: string;
  id: string;
}

const cursorSchema = z.tuple([
  z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/),
  z.uuid(),
]);

/** Encodes a cursor as opaque URL-safe text. */
export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.at, cursor.id]))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Decodes a cursor from `encodeCursor`; null when it was tampered with or is not one. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const json = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const parsed = cursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? { at: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

export const DEFAULT_PAGE_SIZE = 20;
