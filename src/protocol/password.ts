// The client half of docs/api.md "Password stretching". WebCrypto only, so it runs in browsers, Workers
// and Node alike. The expensive stretch happens on the client so a login costs the Worker under 1 ms of CPU.

/** PBKDF2 iterations of the client stretch (OWASP's figure for PBKDF2-HMAC-SHA256). */
export const PASSWORD_ITERATIONS = 600_000;

const encoder = new TextEncoder();

/** The salt of the client stretch: "vcme:" + the trimmed, lowercased email. */
export function passwordSalt(email: string): string {
  return `vcme:${email.trim().toLowerCase()}`;
}

/** The `password` value to send: hex PBKDF2-SHA-256(password, "vcme:" + lowercased email, 600 000, 32 bytes). */
export async function stretchPassword(
  password: string,
  email: string,
  iterations: number = PASSWORD_ITERATIONS,
): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: encoder.encode(passwordSalt(email)), iterations },
    key,
    256,
  );
  return Array.from(new Uint8Array(bits), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
