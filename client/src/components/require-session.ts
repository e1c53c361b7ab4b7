import { useEffect, useRef } from "preact/hooks";
import { useLocation } from "preact-iso";
import { loginPath, session } from "../api";

/** For screens that need an account: sends a signed-out person to log in and back here afterwards. */
export function useRequireSession(): boolean {
  const { route, url } = useLocation();
  // The screen may still be mounted for a moment after the URL moved on; only guard its own URL.
  const own = useRef(url).current;
  const status = session.status.value;
  useEffect(() => {
    if (status === "signed_out" && url === own) route(loginPath(own), true);
  }, [status, url, own, route]);
  return status === "signed_in";
}
