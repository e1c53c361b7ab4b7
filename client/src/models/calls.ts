import { createModel, signal } from "@preact/signals";
import type { Api } from "../api/endpoints";
import { describeError } from "../api/errors";
import type { Call } from "../api/types";

/** The calls I host (home screen): first page on load, more on demand, create/rename/delete in place. */
export const CallsModel = createModel((api: Api) => {
  const calls = signal<Call[]>([]);
  const nextCursor = signal<string | null>(null);
  const loading = signal(false);
  const loaded = signal(false);
  const error = signal<string | null>(null);

  async function fetchPage(cursor: string | null) {
    loading.value = true;
    error.value = null;
    try {
      const page = await api.listCalls(cursor);
      const known = new Set(cursor ? calls.value.map((call) => call.link) : []);
      const fresh = page.calls.filter((call) => !known.has(call.link));
      calls.value = cursor ? [...calls.value, ...fresh] : fresh;
      nextCursor.value = page.next_cursor;
      loaded.value = true;
    } catch (cause) {
      error.value = describeError(cause);
    } finally {
      loading.value = false;
    }
  }

  return {
    calls,
    nextCursor,
    loading,
    loaded,
    error,
    load: () => fetchPage(null),
    loadMore: () => (nextCursor.value ? fetchPage(nextCursor.value) : Promise.resolve()),
    /** Creates a call and puts it first; throws so the form can show why it failed. */
    async create(title: string, allowGuests: boolean): Promise<Call> {
      const { call } = await api.createCall({ title, allow_guests: allowGuests });
      calls.value = [call, ...calls.value.filter((known) => known.link !== call.link)];
      return call;
    },
    async rename(link: string, title: string): Promise<Call> {
      const { call } = await api.updateCall(link, { title });
      calls.value = calls.value.map((known) => (known.link === link ? call : known));
      return call;
    },
    /** Lets people without an account knock (or not). */
    async setGuests(link: string, allow: boolean): Promise<Call> {
      const { call } = await api.updateCall(link, { allow_guests: allow });
      calls.value = calls.value.map((known) => (known.link === link ? call : known));
      return call;
    },
    async remove(link: string): Promise<void> {
      await api.deleteCall(link);
      calls.value = calls.value.filter((known) => known.link !== link);
    },
  };
});
