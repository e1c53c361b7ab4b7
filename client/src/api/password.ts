// The client half of PROTOCOL.md §1 "Password stretching": the raw password never leaves the browser.

const ITERATIONS = 600_000;
const encoder = new TextEncoder();

/** hex(PBKDF2-SHA-256(password, "vcme:" + lowercased email, 600 000 iterations, 32 bytes)). */
export async function stretchPassword(password: string, email: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: encoder.encode(`vcme:${email.trim().toLowerCase()}`),
      iterations: ITERATIONS,
    },
    key,
    256,
  );
  return Array.from(new Uint8Array(bits), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
