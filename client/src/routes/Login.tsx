import { useSignal } from "@preact/signals";
import { describeError, session } from "../api";
import { AuthSubmit } from "../components/AuthSubmit";
import { useAuthPage } from "../components/auth-page";
import { Field } from "../components/Field";

/** Log in with email and password; goes back to `?next=` afterwards. */
export function Login() {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const { otherHref: signupHref } = useAuthPage("Log in", "/login", "/signup");

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!email || !password) {
      error.value = "Enter your email and password.";
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      await session.login(email, password);
      // The status change sends the person on (the effect above).
    } catch (cause) {
      error.value = describeError(cause, { unauthorized: "That email and password don't match an account." });
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="card stack">
      <h1>Log in</h1>
      <form class="stack" onSubmit={submit} noValidate aria-busy={busy.value}>
        <Field label="Email" name="email" type="email" autocomplete="email" required />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required />
        <AuthSubmit label="Log in" busy={busy.value} error={error.value} />
      </form>
      <p>
        New here? <a href={signupHref}>Sign up</a>
      </p>
    </section>
  );
}
