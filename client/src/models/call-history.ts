import { createModel, signal } from "@preact/signals";
import type { Api } from "../api/endpoints";
import { describeError } from "../api/errors";
import type { CallLog } from "../api/types";

/** My call history (newest first), paged by the server's cursor. */
export const CallHistoryModel = createModel((api: Api) => {
  const logs = signal<CallLog[]>([]);
  const nextCursor = signal<string | null>(null);
  const loading = signal(false);
  const loaded = signal(false);
  const error = signal<string | null>(null);

  async function fetchPage(cursor: string | null) {
    loading.value = true;
    error.value = null;
    try {
      const page = await api.callLogs(cursor);
      logs.value = cursor ? [...logs.value, ...page.call_logs] : page.call_logs;
      nextCursor.value = page.next_cursor;
      loaded.value = true;
    } catch (cause) {
      error.value = describeError(cause);
    } finally {
      loading.value = false;
    }
  }

  return {
    logs,
    nextCursor,
    loading,
    loaded,
    error,
    load: () => fetchPage(null),
    loadMore: () => (nextCursor.value ? fetchPage(nextCursor.value) : Promise.resolve()),
  };
});
