import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { describeError, session } from "../api";
import { Alert } from "../components/Alert";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { useRequireSession } from "../components/require-session";
import { Spinner } from "../components/Spinner";

const MIN_PASSWORD = 8;

/** Settings: my display name and my password. */
export function Settings() {
  const ready = useRequireSession();
  useEffect(() => {
    document.title = "Settings · VCME";
  }, []);
  if (!ready) return <Loading />;
  return (
    <div class="stack">
      <h1>Settings</h1>
      <div class="grid-2">
        <NameForm />
        <PasswordForm />
      </div>
    </div>
  );
}

interface FormState {
  busy: boolean;
  error: string | null;
  done: string | null;
}

function useFormState() {
  return useSignal<FormState>({ busy: false, error: null, done: null });
}

function NameForm() {
  const state = useFormState();
  const user = session.user.value;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name") ?? "").trim();
    if (!name || name.length > 80) {
      state.value = { busy: false, error: "Enter a name of 1 to 80 characters.", done: null };
      return;
    }
    state.value = { busy: true, error: null, done: null };
    try {
      await session.rename(name);
      state.value = { busy: false, error: null, done: "Your name is saved. Others see it in calls." };
    } catch (cause) {
      state.value = { busy: false, error: describeError(cause), done: null };
    }
  }

  return (
    <section class="card stack-sm" aria-labelledby="profile">
      <h2 id="profile">Profile</h2>
      <p class="muted small">Signed in as {user?.email}</p>
      <form class="stack-sm" onSubmit={submit} noValidate>
        <Field
          label="Name"
          name="name"
          autocomplete="name"
          maxLength={80}
          defaultValue={user?.name ?? ""}
          required
        />
        {state.value.error && <Alert kind="error">{state.value.error}</Alert>}
        {state.value.done && <Alert kind="success">{state.value.done}</Alert>}
        <p>
          <button type="submit" class="btn" disabled={state.value.busy}>
            {state.value.busy && <Spinner />}
            Save
          </button>
        </p>
      </form>
    </section>
  );
}

function PasswordForm() {
  const state = useFormState();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const current = String(data.get("current") ?? "");
    const next = String(data.get("next") ?? "");
    if (!current) {
      state.value = { busy: false, error: "Enter your current password.", done: null };
      return;
    }
    if (next.length < MIN_PASSWORD) {
      state.value = {
        busy: false,
        error: `The new password needs at least ${MIN_PASSWORD} characters.`,
        done: null,
      };
      return;
    }
    state.value = { busy: true, error: null, done: null };
    try {
      await session.changePassword(current, next);
      form.reset();
      state.value = {
        busy: false,
        error: null,
        done: "Password changed. You were signed out on your other devices.",
      };
    } catch (cause) {
      state.value = {
        busy: false,
        error: describeError(cause, {
          unauthorized: "Your current password is not right.",
          forbidden: "Your current password is not right.",
        }),
        done: null,
      };
    }
  }

  return (
    <section class="card stack-sm" aria-labelledby="password">
      <h2 id="password">Password</h2>
      <form class="stack-sm" onSubmit={submit} noValidate aria-busy={state.value.busy}>
        <Field
          label="Current password"
          name="current"
          type="password"
          autocomplete="current-password"
          required
        />
        <Field
          label="New password"
          name="next"
          type="password"
          autocomplete="new-password"
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters.`}
          required
        />
        {state.value.error && <Alert kind="error">{state.value.error}</Alert>}
        {state.value.done && <Alert kind="success">{state.value.done}</Alert>}
        {state.value.busy && (
          <p class="muted small" role="status">
            Securing your password…
          </p>
        )}
        <p>
          <button type="submit" class="btn" disabled={state.value.busy}>
            {state.value.busy && <Spinner />}
            Change password
          </button>
        </p>
      </form>
    </section>
  );
}
