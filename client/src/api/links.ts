// What people paste into "Call link": a full join URL, an embed URL, a path, or just the slug.

// The same shape as linkSchema in src/protocol/rest.ts (copied: the schema would pull zod into the bundle).
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
const MIN_LENGTH = 10;

/** Returns the call's link slug from whatever a person pasted, or null when it cannot be one. */
export function parseCallLink(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  let path = text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      path = new URL(text).pathname;
    } catch {
      return null;
    }
  } else if (/^[^/\s]+\.[^/\s]+\//.test(text)) {
    // "vcme.example/call/abc" without a scheme
    path = text.slice(text.indexOf("/"));
  }
  const match = /^\/?(?:(?:call|embed)\/)?([^/?#]+)\/?(?:[?#].*)?$/i.exec(path);
  const slug = match?.[1]?.toLowerCase();
  if (!slug) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(slug);
  } catch {
    return null;
  }
  // Every real link ends in at least 10 random characters, so "call" or "hello" are not links.
  return decoded.length >= MIN_LENGTH && SLUG.test(decoded) ? decoded : null;
}

/** The join page for a call. */
export function callPath(slug: string): string {
  return `/call/${encodeURIComponent(slug)}`;
}

/** The log-in page that returns to `back` afterwards. */
export function loginPath(back: string): string {
  return back && back !== "/" ? `/login?next=${encodeURIComponent(back)}` : "/login";
}

/** Only same-site paths are followed after logging in, so a crafted link cannot send people elsewhere. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Going "back" to the log-in or sign-up page would only loop.
  if (/^\/(login|signup)(?:[/?#]|$)/.test(next)) return "/";
  return next;
}
