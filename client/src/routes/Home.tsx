import { useModel, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, type Call, callPath, describeError, parseCallLink, session } from "../api";
import { Alert } from "../components/Alert";
import { CopyButton } from "../components/CopyButton";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { Spinner } from "../components/Spinner";
import { toast } from "../components/toast-store";
import { CallsModel } from "../models/calls";

type EmbedDialogComponent = typeof import("../components/embed/EmbedDialog").EmbedDialog;
/** The Embed dialog is its own chunk, fetched the first time someone opens it. */
const loadEmbedDialog = () => import("../components/embed/EmbedDialog").then((m) => m.EmbedDialog);

/** Home: start a call, join one by its link, and (signed in) the calls I host. */
export function Home() {
  const status = session.status.value;
  useEffect(() => {
    document.title = "VCME — Video Call Made Easy";
  }, []);
  if (status === "unknown") return <Loading />;
  return status === "signed_in" ? <Dashboard /> : <Welcome />;
}

function Welcome() {
  return (
    <div class="stack">
      <section class="stack-sm">
        <h1>Video calls, made easy</h1>
        <p class="muted">Start a call, share the link, talk. Nothing to install.</p>
        <p class="row">
          <a class="btn" href="/signup">
            Sign up
          </a>
          <a class="btn secondary" href="/login">
            Log in
          </a>
        </p>
      </section>
      <JoinByLink />
    </div>
  );
}

function Dashboard() {
  const calls = useModel(() => new CallsModel(api));
  const name = session.user.value?.name ?? "";
  useEffect(() => {
    void calls.load();
  }, [calls]);
  return (
    <div class="stack">
      <h1>Hi, {name}</h1>
      <div class="grid-2">
        <NewCall create={calls.create} />
        <JoinByLink />
      </div>
      <section class="stack-sm" aria-labelledby="my-calls">
        <h2 id="my-calls">My calls</h2>
        {calls.error.value && <Alert kind="error">{calls.error.value}</Alert>}
        {!calls.loaded.value && calls.loading.value && <Loading text="Loading your calls…" />}
        {calls.loaded.value && calls.calls.value.length === 0 && (
          <p class="empty">No calls yet. Give your first call a title above and press New call.</p>
        )}
        <ul class="list" aria-labelledby="my-calls">
          {calls.calls.value.map((call) => (
            <CallItem
              key={call.link}
              call={call}
              rename={calls.rename}
              remove={calls.remove}
              setGuests={calls.setGuests}
            />
          ))}
        </ul>
        {calls.nextCursor.value && (
          <button type="button" class="btn secondary" disabled={calls.loading.value} onClick={calls.loadMore}>
            Show more calls
          </button>
        )}
      </section>
    </div>
  );
}

function NewCall({ create }: { create: (title: string, allowGuests: boolean) => Promise<Call> }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const created = useSignal<Call | null>(null);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const title = String(data.get("title") ?? "").trim();
    const allowGuests = data.get("allow_guests") === "on";
    if (!title) {
      error.value = "Give the call a title, for example “Team standup”.";
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      created.value = await create(title, allowGuests);
      form.reset();
    } catch (cause) {
      error.value = describeError(cause);
    } finally {
      busy.value = false;
    }
  }

  const call = created.value;
  return (
    <section class="card stack-sm" aria-labelledby="new-call">
      <h2 id="new-call">Start a call</h2>
      <form class="stack-sm" onSubmit={submit} noValidate>
        <div class="row">
          <div class="grow">
            <Field label="Title" name="title" maxLength={120} autocomplete="off" error={error.value} />
          </div>
          <button type="submit" class="btn" disabled={busy.value}>
            {busy.value && <Spinner />}
            New call
          </button>
        </div>
        <label class="check">
          <input type="checkbox" name="allow_guests" defaultChecked />
          People without an account can ask to join
        </label>
      </form>
      {call && (
        <Alert kind="success">
          <p>
            <strong>{call.title}</strong> is ready. Share this link:
          </p>
          <p class="link-text">{call.join_url}</p>
          <p class="actions">
            <CopyButton text={call.join_url}>Copy link</CopyButton>
            <a class="btn" href={callPath(call.link)}>
              Open the call
            </a>
          </p>
        </Alert>
      )}
    </section>
  );
}

function JoinByLink() {
  const { route } = useLocation();
  const error = useSignal<string | null>(null);
  function submit(event: SubmitEvent) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget as HTMLFormElement).get("link") ?? "");
    const link = parseCallLink(raw);
    if (!link) {
      error.value = raw.trim()
        ? "That doesn't look like a call link. Paste the whole link you were sent."
        : "Paste the call link you were sent.";
      return;
    }
    error.value = null;
    route(callPath(link));
  }
  return (
    <section class="card stack-sm" aria-labelledby="join-call">
      <h2 id="join-call">Join a call</h2>
      <form class="row" onSubmit={submit} noValidate>
        <div class="grow">
          <Field
            label="Call link"
            name="link"
            inputMode="url"
            autocomplete="off"
            placeholder="https://…/call/…"
            error={error.value}
          />
        </div>
        <button type="submit" class="btn secondary">
          Join
        </button>
      </form>
    </section>
  );
}

interface CallItemProps {
  call: Call;
  rename: (link: string, title: string) => Promise<Call>;
  remove: (link: string) => Promise<void>;
  setGuests: (link: string, allow: boolean) => Promise<Call>;
}

function CallItem({ call, rename, remove, setGuests }: CallItemProps) {
  const mode = useSignal<"view" | "rename" | "delete">("view");
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const EmbedDialog = useSignal<EmbedDialogComponent | null>(null);
  const embedOpen = useSignal(false);
  // The list keeps the call as loaded; the allowed sites saved since then live here.
  const embedOrigins = useSignal<string[] | null>(null);

  async function openEmbed() {
    try {
      EmbedDialog.value ??= await loadEmbedDialog();
      embedOpen.value = true;
    } catch (cause) {
      error.value = describeError(cause);
    }
  }

  async function run(task: () => Promise<unknown>, done: string) {
    busy.value = true;
    error.value = null;
    try {
      await task();
      mode.value = "view";
      toast(done);
    } catch (cause) {
      error.value = describeError(cause);
    } finally {
      busy.value = false;
    }
  }

  function submitRename(event: SubmitEvent) {
    event.preventDefault();
    const title = String(new FormData(event.currentTarget as HTMLFormElement).get("title") ?? "").trim();
    if (!title) {
      error.value = "The title can't be empty.";
      return;
    }
    void run(() => rename(call.link, title), "Call renamed");
  }

  // Leaves renaming or deleting without changing anything.
  const keepIt = (
    <button
      type="button"
      class="btn ghost small"
      onClick={() => {
        mode.value = "view";
      }}
    >
      Keep it
    </button>
  );
  return (
    <li class="list-item">
      <div class="grow">
        <a class="title" href={callPath(call.link)}>
          {call.title}
        </a>
        <div class="link-text">{call.join_url}</div>
        <div class="small muted">
          {call.allow_guests
            ? "Anyone with the link can ask to join"
            : "Only people with an account can ask to join"}
        </div>
      </div>
      {mode.value === "view" && (
        <div class="actions">
          <CopyButton
            text={call.join_url}
            label={`Copy the link to ${call.title}`}
            class="btn secondary small"
          >
            Copy
          </CopyButton>
          <button
            type="button"
            class="btn secondary small"
            aria-pressed={call.allow_guests}
            aria-label={`Guests can join ${call.title}`}
            disabled={busy.value}
            onClick={() =>
              run(
                () => setGuests(call.link, !call.allow_guests),
                call.allow_guests ? "Only people with an account can join now" : "Guests can ask to join now",
              )
            }
          >
            Guests
          </button>
          <button
            type="button"
            class="btn secondary small"
            aria-label={`Embed ${call.title}`}
            aria-haspopup="dialog"
            onClick={() => void openEmbed()}
          >
            Embed
          </button>
          {(["Rename", "Delete"] as const).map((action) => (
            <button
              key={action}
              type="button"
              class="btn secondary small"
              aria-label={`${action} ${call.title}`}
              onClick={() => {
                mode.value = action === "Rename" ? "rename" : "delete";
              }}
            >
              {action}
            </button>
          ))}
        </div>
      )}
      {mode.value === "rename" && (
        <form class="row" style={{ flexBasis: "100%" }} onSubmit={submitRename} noValidate>
          <div class="grow">
            <Field
              label={`New title for ${call.title}`}
              name="title"
              defaultValue={call.title}
              maxLength={120}
              autoFocus
            />
          </div>
          <button type="submit" class="btn small" disabled={busy.value}>
            Save title
          </button>
          {keepIt}
        </form>
      )}
      {mode.value === "delete" && (
        <div class="actions">
          <span>Delete this call? Its link stops working.</span>
          <button
            type="button"
            class="btn danger small"
            disabled={busy.value}
            onClick={() => run(() => remove(call.link), "Call deleted")}
          >
            Delete call
          </button>
          {keepIt}
        </div>
      )}
      {embedOpen.value && EmbedDialog.value && (
        <EmbedDialog.value
          call={{ ...call, embed_origins: embedOrigins.value ?? call.embed_origins }}
          onSaved={(saved) => {
            embedOrigins.value = saved.embed_origins;
          }}
          onClose={() => {
            embedOpen.value = false;
          }}
        />
      )}
      {error.value && (
        <div style={{ flexBasis: "100%" }}>
          <Alert kind="error">{error.value}</Alert>
        </div>
      )}
    </li>
  );
}
