import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { session } from "../api";

/** For screens that need an account: sends a signed-out person to log in and back here afterwards. */
export function useRequireSession(): boolean {
  const { route, url } = useLocation();
  const status = session.status.value;
  useEffect(() => {
    if (status === "signed_out") route(loginPath(url), true);
  }, [status, url, route]);
  return status === "signed_in";
}

/** The log-in page that returns to `back` afterwards. */
export function loginPath(back: string): string {
  return back && back !== "/" ? `/login?next=${encodeURIComponent(back)}` : "/login";
}

/** Only same-site paths are followed after logging in, so a crafted link cannot send people elsewhere. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}
