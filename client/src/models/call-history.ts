import { createModel } from "@preact/signals";
import type { Api } from "../api/endpoints";
import { pagedList } from "./paged-list";

/** My call history (newest first), paged by the server's cursor. */
export const CallHistoryModel = createModel((api: Api) => {
  const { items: logs, ...paging } = pagedList(
    async (cursor) => {
      const page = await api.callLogs(cursor);
      return { items: page.call_logs, next_cursor: page.next_cursor };
    },
    (log) => `${log.call_id}:${log.joined_at}`,
  );
  return { logs, ...paging };
});
