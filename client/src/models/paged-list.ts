import { signal } from "@preact/signals";
import { describeError } from "../api/errors";

/**
 * A list the server pages by cursor, as signals: the first page on `load`, later pages appended on
 * `loadMore` without repeating an item already shown (rows can shift between pages while people use them).
 */
export function pagedList<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; next_cursor: string | null }>,
  keyOf: (item: T) => string,
) {
  const items = signal<T[]>([]);
  const nextCursor = signal<string | null>(null);
  const loading = signal(false);
  const loaded = signal(false);
  const error = signal<string | null>(null);

  async function fetchFrom(cursor: string | null) {
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(cursor);
      const known = new Set(cursor ? items.value.map(keyOf) : []);
      const fresh = page.items.filter((item) => !known.has(keyOf(item)));
      items.value = cursor ? [...items.value, ...fresh] : fresh;
      nextCursor.value = page.next_cursor;
      loaded.value = true;
    } catch (cause) {
      error.value = describeError(cause);
    } finally {
      loading.value = false;
    }
  }

  return {
    items,
    nextCursor,
    loading,
    loaded,
    error,
    load: () => fetchFrom(null),
    loadMore: () => (nextCursor.value ? fetchFrom(nextCursor.value) : Promise.resolve()),
  };
}
