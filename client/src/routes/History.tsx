import { useModel } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { Alert } from "../components/Alert";
import { formatDateTime, formatDuration } from "../components/format";
import { Loading } from "../components/Loading";
import { useRequireSession } from "../components/require-session";
import { CallHistoryModel } from "../models/call-history";

/** Call history: every call I was in, newest first, as the rooms recorded them. */
export function History() {
  const ready = useRequireSession();
  useEffect(() => {
    document.title = "Call history · VCME";
  }, []);
  return ready ? <HistoryTable /> : <Loading />;
}

function HistoryTable() {
  const history = useModel(() => new CallHistoryModel(api));
  useEffect(() => {
    void history.load();
  }, [history]);
  const logs = history.logs.value;
  return (
    <section class="stack">
      <h1>Call history</h1>
      {history.error.value && (
        <Alert kind="error">
          <p>{history.error.value}</p>
          <p>
            <button type="button" class="btn secondary small" onClick={history.load}>
              Try again
            </button>
          </p>
        </Alert>
      )}
      {!history.loaded.value && history.loading.value && <Loading text="Loading your call history…" />}
      {history.loaded.value &&
        (logs.length === 0 ? (
          <div class="empty">
            <p>No calls yet.</p>
            <p>
              When you take part in a call, it shows up here with when you joined, how long you stayed and how
              many people were there. <a href="/">Start a call</a>
            </p>
          </div>
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboard users can scroll the table sideways on a narrow screen
          <section class="table-wrap" aria-label="Call history table" tabIndex={0}>
            <table class="data" aria-label="Call history">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col" class="num">
                    Duration
                  </th>
                  <th scope="col" class="num">
                    Participants
                  </th>
                </tr>
              </thead>
              <tbody>
                {logs.map((log) => (
                  <tr key={`${log.call_id}:${log.joined_at}`}>
                    <td>{log.call_title}</td>
                    <td>{log.role === "host" ? "Host" : "Participant"}</td>
                    <td>
                      <time dateTime={log.joined_at}>{formatDateTime(log.joined_at)}</time>
                    </td>
                    <td class="num">
                      {log.left_at === null ? "In progress" : formatDuration(log.duration_seconds)}
                    </td>
                    <td class="num">{log.participant_count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      {history.nextCursor.value && (
        <button
          type="button"
          class="btn secondary"
          disabled={history.loading.value}
          onClick={history.loadMore}
        >
          Show older calls
        </button>
      )}
    </section>
  );
}
