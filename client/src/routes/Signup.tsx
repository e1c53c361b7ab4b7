import { useSignal } from "@preact/signals";
import { describeError, session } from "../api";
import { AuthSubmit } from "../components/AuthSubmit";
import { useAuthPage } from "../components/auth-page";
import { Field } from "../components/Field";

const MIN_PASSWORD = 8;

interface Problems {
  name?: string;
  email?: string;
  password?: string;
}

/** Checks the form before the (slow) password stretch, so mistakes show at once. */
function check(name: string, email: string, password: string): Problems {
  const problems: Problems = {};
  if (!name) problems.name = "Enter your name.";
  else if (name.length > 80) problems.name = "Use at most 80 characters.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.email = "Enter an email address like name@example.com.";
  if (password.length < MIN_PASSWORD) problems.password = `Use at least ${MIN_PASSWORD} characters.`;
  return problems;
}

/** Create an account. */
export function Signup() {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const problems = useSignal<Problems>({});
  const { otherHref: loginHref } = useAuthPage("Sign up", "/signup", "/login");

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(form.get("name") ?? "").trim();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    problems.value = check(name, email, password);
    if (Object.keys(problems.value).length > 0) return;
    busy.value = true;
    error.value = null;
    try {
      await session.signup(name, email, password);
      // The status change sends the person on (the effect above).
    } catch (cause) {
      error.value = describeError(cause, {
        conflict: "An account with this email already exists. Log in instead?",
      });
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="card stack">
      <h1>Create your account</h1>
      <form class="stack" onSubmit={submit} noValidate aria-busy={busy.value}>
        <Field
          label="Name"
          name="name"
          autocomplete="name"
          maxLength={80}
          required
          error={problems.value.name}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autocomplete="email"
          required
          error={problems.value.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autocomplete="new-password"
          minLength={MIN_PASSWORD}
          required
          hint={`At least ${MIN_PASSWORD} characters. It never leaves your browser.`}
          error={problems.value.password}
        />
        <AuthSubmit label="Sign up" busy={busy.value} error={error.value} />
      </form>
      <p>
        Already have an account? <a href={loginHref}>Log in</a>
      </p>
    </section>
  );
}
