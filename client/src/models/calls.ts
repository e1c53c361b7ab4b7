import { createModel } from "@preact/signals";
import type { Api } from "../api/endpoints";
import type { Call } from "../api/types";
import { pagedList } from "./paged-list";

/** The calls I host (home screen): first page on load, more on demand, create/rename/delete in place. */
export const CallsModel = createModel((api: Api) => {
  const { items: calls, ...paging } = pagedList(
    async (cursor) => {
      const page = await api.listCalls(cursor);
      return { items: page.calls, next_cursor: page.next_cursor };
    },
    (call) => call.link,
  );

  return {
    calls,
    ...paging,
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
