import { useSignal } from "@preact/signals";
import { useEffect, useId, useRef } from "preact/hooks";
import { ApiRequestError, api, type Call, describeError } from "../../api";
import { Alert } from "../Alert";
import { Spinner } from "../Spinner";
import "./embed.css";

export interface EmbedDialogProps {
  call: Call;
  /** The call as saved, after the allowed sites changed. */
  onSaved(call: Call): void;
  onClose(): void;
}

/** The snippet a site owner pastes into a page on one of the allowed sites. */
export function embedSnippet(appOrigin: string, link: string): string {
  return [
    `<div id="vcme-call" style="width: 100%; height: 640px"></div>`,
    `<script src="${appOrigin}/embed/v1.js"></script>`,
    `<script>VCME.createFrame(document.getElementById("vcme-call"), { link: "${link}" });</script>`,
  ].join("\n");
}

/** "embed_origins.1: must be…" from the API, as words about the line the host typed. */
function explain(error: unknown, lines: string[]): string {
  const fields = error instanceof ApiRequestError ? error.details?.fields : undefined;
  if (typeof fields === "object" && fields !== null) {
    for (const [field, text] of Object.entries(fields)) {
      const index = /^embed_origins\.(\d+)$/.exec(field)?.[1];
      if (index !== undefined && typeof text === "string") {
        return `Line ${Number(index) + 1} (${lines[Number(index)] ?? ""}): ${text}.`;
      }
      if (field === "embed_origins" && typeof text === "string") return `Allowed sites: ${text}.`;
    }
  }
  return describeError(error);
}

/**
 * The Embed dialog of a call in "My calls": which sites may show the call in their pages, and the
 * snippet to paste there. Loaded only when opened.
 */
export function EmbedDialog({ call, onSaved, onClose }: EmbedDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  // Said inside the dialog: a modal dialog leaves the page's toasts behind its backdrop.
  const status = useSignal("");
  const saved = useSignal(call.embed_origins);
  const snippet = embedSnippet(location.origin, call.link);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget as HTMLFormElement).get("origins") ?? "");
    const lines = text
      .split(/[\s,]+/)
      .map((line) => line.trim())
      .filter(Boolean);
    busy.value = true;
    error.value = null;
    status.value = "";
    try {
      const updated = await api.updateCall(call.link, { embed_origins: lines });
      saved.value = updated.call.embed_origins;
      onSaved(updated.call);
      status.value = lines.length ? "Allowed sites saved." : "Saved: no site can show this call now.";
    } catch (cause) {
      error.value = explain(cause, lines);
    } finally {
      busy.value = false;
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(snippet);
      status.value = "Snippet copied.";
    } catch {
      window.prompt("Copy this snippet:", snippet);
    }
  }

  return (
    <dialog ref={dialog} class="embed-dialog card" aria-labelledby={`${id}-title`} onClose={onClose}>
      <div class="stack">
        <h2 id={`${id}-title`}>Embed {call.title}</h2>
        <form class="stack-sm" onSubmit={save} noValidate aria-busy={busy.value}>
          <div class="field">
            <label for={`${id}-origins`}>Allowed sites</label>
            <textarea
              id={`${id}-origins`}
              name="origins"
              rows={4}
              spellcheck={false}
              autocomplete="off"
              placeholder="https://www.example.com"
              defaultValue={saved.value.join("\n")}
              aria-describedby={`${id}-hint`}
              aria-invalid={error.value ? true : undefined}
            />
            <span class="hint" id={`${id}-hint`}>
              One site per line, like https://www.example.com (a port is fine). Only these sites can show the
              call in their pages; plain http only for localhost and 127.0.0.1.
            </span>
          </div>
          {error.value && <Alert kind="error">{error.value}</Alert>}
          <div class="actions">
            <button type="submit" class="btn" disabled={busy.value}>
              {busy.value && <Spinner />}
              Save sites
            </button>
            <span role="status" class="small">
              {status.value}
            </span>
          </div>
        </form>
        <div class="stack-sm">
          <label class="field-label" for={`${id}-snippet`}>
            Snippet
          </label>
          <textarea id={`${id}-snippet`} class="embed-snippet" readOnly rows={4} value={snippet} />
          {saved.value.length === 0 && (
            <p class="small muted">Add at least one site above, or browsers will refuse to show the call.</p>
          )}
          <div class="actions">
            <button type="button" class="btn secondary" onClick={() => void copy()}>
              Copy snippet
            </button>
            <button type="button" class="btn ghost" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
        </div>
      </div>
    </dialog>
  );
}
