import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { safeNext, session } from "../api";

type AuthPath = "/login" | "/signup";

/**
 * What Log in and Sign up share: the page title, the link to the other form (keeping `?next=`), and
 * moving on to `next` once the person is signed in.
 */
export function useAuthPage(title: string, own: AuthPath, other: AuthPath): { otherHref: string } {
  const { path, query, route } = useLocation();
  const next = safeNext(query.next);
  const status = session.status.value;

  useEffect(() => {
    document.title = `${title} · VCME`;
    // Only while this page is the one shown: during the switch to `next` its query is already gone.
    if (status === "signed_in" && path === own) route(next, true);
  }, [title, status, path, own, next, route]);

  return { otherHref: next === "/" ? other : `${other}?next=${encodeURIComponent(next)}` };
}
