// URL-safe base64 without padding (RFC 4648 §5), for the server and the client alike: plain functions, no
// imports, so the browser bundle can take it without pulling anything else in.

/** URL-safe base64 of bytes, or of a binary string (one character per byte, as `btoa` takes). */
export function encodeBase64Url(input: Uint8Array | string): string {
  let binary = "";
  if (typeof input === "string") binary = input;
  else for (const byte of input) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The binary string (one character per byte) of URL-safe base64; throws on text that is not base64. */
export function decodeBase64Url(text: string): string {
  return atob(text.replaceAll("-", "+").replaceAll("_", "/"));
}
