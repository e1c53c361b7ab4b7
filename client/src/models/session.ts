import { createModel, signal } from "@preact/signals";
import { type Api, createApi, createAuthApi } from "../api/endpoints";
import { ApiRequestError } from "../api/errors";
import { type ApiRequest, createSend, type Fetcher, type Send } from "../api/http";
import type { AuthResult, User } from "../api/types";

export type SessionStatus = "unknown" | "signed_in" | "signed_out";

/** Tells the other tabs of this browser that the session changed (a BroadcastChannel in the browser). */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
}

/** Runs `task` while no other tab refreshes: two tabs presenting one refresh token would revoke it. */
export type RefreshLock = <T>(task: () => Promise<T>) => Promise<T>;

export interface SessionDeps {
  fetcher: Fetcher;
  /** hex of the stretched password (api/password.ts); tests pass a cheap one. */
  stretch: (password: string, email: string) => Promise<string>;
  channel?: TabChannel | null;
  lock?: RefreshLock;
  /**
   * False when this browser certainly holds no session (the Worker's readable `vcme_session` marker is
   * absent): page load then skips the refresh that could only be refused. Without it, always asks.
   */
  mayHaveSession?: () => boolean;
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_S = 60;
/** After a refresh that could not reach the server, try again this soon. */
const RETRY_AFTER_MS = 15_000;

const runNow: RefreshLock = (task) => task();

/**
 * Who is signed in. The access token lives only in this closure (never in storage); the refresh
 * cookie renews it shortly before it expires and after any 401, and a refresh the server refuses
 * signs this tab and every other tab out.
 */
export const SessionModel = createModel((deps: SessionDeps) => {
  const user = signal<User | null>(null);
  const status = signal<SessionStatus>("unknown");
  /** Why this tab was signed out without asking, for the app to tell the person once. */
  const notice = signal<string | null>(null);
  const lock = deps.lock ?? runNow;
  const raw = createSend(deps.fetcher);
  const auth = createAuthApi(raw);
  let token: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<boolean> | null = null;
  let started: Promise<boolean> | null = null;

  function cancelTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function schedule(ms: number) {
    cancelTimer();
    timer = setTimeout(() => void refresh(), ms);
  }

  function adopt(result: AuthResult) {
    token = result.access_token;
    user.value = result.user;
    status.value = "signed_in";
    schedule(Math.max(5, result.expires_in - REFRESH_MARGIN_S) * 1000);
  }

  function clear() {
    token = null;
    cancelTimer();
    user.value = null;
    status.value = "signed_out";
  }

  function announce(kind: "signed_in" | "signed_out") {
    deps.channel?.postMessage({ kind });
  }

  deps.channel?.addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data !== "object" || data === null || !("kind" in data)) return;
    if (data.kind === "signed_out") {
      if (status.value === "signed_in") notice.value = "You were logged out in another tab.";
      clear();
    }
    // Another tab signed in: take over its session through the shared cookie.
    else if (data.kind === "signed_in" && status.value !== "signed_in") void refresh();
  });

  /** Renews the access token through the cookie; true when signed in afterwards. */
  function refresh(): Promise<boolean> {
    inflight ??= lock(async () => {
      try {
        adopt(await auth.refresh());
        return true;
      } catch (error) {
        if (
          error instanceof ApiRequestError &&
          error.status > 0 &&
          error.status < 500 &&
          error.status !== 429
        ) {
          const wasSignedIn = status.value === "signed_in";
          clear();
          if (wasSignedIn) {
            notice.value = "Your session ended. Please log in again.";
            announce("signed_out");
          }
          return false;
        }
        // The server could not be reached or is down: keep what we have and try again soon (on page
        // load that means showing the signed-out screens until the cookie can be checked).
        if (status.value === "unknown") status.value = "signed_out";
        schedule(RETRY_AFTER_MS);
        return false;
      }
    }).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /** Sends with the access token; after a 401, refreshes once and tries again. */
  const send: Send = async <T>(request: ApiRequest): Promise<T> => {
    if (status.value === "unknown" && started) await started;
    try {
      return await raw<T>({ ...request, token });
    } catch (error) {
      if (!(error instanceof ApiRequestError) || error.status !== 401) throw error;
      if (!(await refresh())) throw error;
      return raw<T>({ ...request, token });
    }
  };

  const api: Api = createApi(send);

  return {
    user,
    status,
    notice,
    api,
    /** Finds out on page load whether the refresh cookie still holds a session. */
    start(): Promise<boolean> {
      if (!started && deps.mayHaveSession?.() === false) {
        clear();
        started = Promise.resolve(false);
      }
      started ??= refresh();
      return started;
    },
    refresh,
    async signup(name: string, email: string, password: string) {
      const stretched = await deps.stretch(password, email);
      adopt(await auth.signup({ name, email, password: stretched }));
      announce("signed_in");
    },
    async login(email: string, password: string) {
      const stretched = await deps.stretch(password, email);
      adopt(await auth.login({ email, password: stretched }));
      announce("signed_in");
    },
    async logout() {
      try {
        await auth.logout();
      } finally {
        clear();
        announce("signed_out");
      }
    },
    async rename(name: string) {
      const result = await api.updateMe({ name });
      user.value = result.user;
    },
    async changePassword(current: string, next: string) {
      const email = user.value?.email;
      if (!email) throw new ApiRequestError(401, "unauthorized", "not signed in");
      const [currentHex, nextHex] = await Promise.all([
        deps.stretch(current, email),
        deps.stretch(next, email),
      ]);
      await api.changePassword({ current_password: currentHex, new_password: nextHex });
    },
    dispose() {
      cancelTimer();
    },
  };
});

export type Session = InstanceType<typeof SessionModel>;
