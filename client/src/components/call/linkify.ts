// Chat text with its web links made clickable — as data, never as HTML, so a message cannot inject
// markup. Pure: unit tests run it in node.

export type ChatPart = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]}]+$/;

/** Splits a chat message into text and http(s) links; anything else stays text. */
export function linkify(text: string): ChatPart[] {
  const parts: ChatPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let raw = match[0];
    const trailing = TRAILING.exec(raw)?.[0] ?? "";
    // Keep a closing parenthesis that belongs to the URL, e.g. wikipedia links.
    const keep = trailing.startsWith(")") && raw.includes("(") ? 1 : 0;
    raw = raw.slice(0, raw.length - trailing.length + keep);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: "text", text: text.slice(last, start) });
    parts.push({ kind: "link", text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: "text", text: text.slice(last) });
  return parts;
}

/**
 * The link's target, only when what the message shows is where it goes: no user info before the host
 * (`https://user:pw@bank.example@evil.example/` goes to evil.example) and the host exactly as typed (an
 * encoded or look-alike host the URL parser rewrites, e.g. to punycode, is not what a reader sees).
 * Anything else stays plain text.
 */
function safeHref(raw: string): string | null {
  const withScheme = raw.toLowerCase().startsWith("www.") ? `https://${raw}` : raw;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const typedHost = /^https?:\/\/([^/?#\\]*)/i.exec(withScheme)?.[1] ?? "";
  if (typedHost.includes("@") || url.username || url.password) return null;
  if (typedHost.toLowerCase() !== url.host) return null;
  return url.href;
}
