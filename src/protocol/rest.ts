import * as z from "zod";
import { normalizeText, type TextRules, textProblem } from "./text";

// The REST bodies and answers of docs/api.md. The Worker parses every request with these schemas and
// builds every answer to match them; the client imports the same types. Inputs are trimmed/normalised
// here so the server stores exactly what it validated.

// ---- shared fields ----

/** Typed text under the one text policy of src/protocol/text.ts (already trimmed and normalized). */
const typedText =
  (rules: TextRules = {}) =>
  (value: string, ctx: z.RefinementCtx) => {
    const problem = textProblem(value, rules);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };

/** A person's display name: trimmed, NFC, 1–80 characters, one line, something visible (src/protocol/text.ts). */
export const nameSchema = z
  .string()
  .trim()
  .transform(normalizeText)
  .pipe(
    z.string().min(1, "must not be empty").max(80, "must be at most 80 characters").superRefine(typedText()),
  );

/** An email address; compared case-insensitively by the server. */
export const emailSchema = z
  .string()
  .trim()
  .max(254, "must be at most 254 characters")
  .pipe(z.email("invalid email address"));

/**
 * The client-stretched password: hex PBKDF2-SHA-256(password, "vcme:" + lowercased email, 600 000, 32 bytes)
 * (see src/protocol/password.ts). The raw password never reaches the server.
 */
export const clientPasswordSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be the 64-character hex PBKDF2 value of the password (see docs/api.md)")
  .transform((value) => value.toLowerCase());

/** A call link: slugified title + "-" + random base32. */
export const linkSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/, "not a call link");

/** A call title: trimmed, NFC, 1–120 characters, one line, something visible. */
export const titleSchema = z
  .string()
  .trim()
  .transform(normalizeText)
  .pipe(
    z
      .string()
      .min(1, "must not be empty")
      .max(120, "must be at most 120 characters")
      .superRefine(typedText()),
  );

/** A call's description: trimmed, NFC, up to 2000 characters, may span lines (and may be empty). */
export const descriptionSchema = z
  .string()
  .trim()
  .transform(normalizeText)
  .pipe(
    z
      .string()
      .max(2000, "must be at most 2000 characters")
      .superRefine(typedText({ multiline: true })),
  );

const DNS_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/** An origin allowed to frame the call: `https://host[:port]` (plain http only for localhost/127.0.0.1). */
export const embedOriginSchema = z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an origin like https://example.com" });
      return z.NEVER;
    }
    const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname));
    // Plain DNS names (or loopback) only: the origin ends up in a CSP header, where `*` or `;` would widen it.
    const plainHost = DNS_NAME.test(url.hostname) || isLoopback(url.hostname);
    // An origin has no credentials, path, query or fragment; "https://a.com/" is accepted as "https://a.com".
    const bare =
      !url.username &&
      !url.password &&
      (url.pathname === "/" || url.pathname === "") &&
      !url.search &&
      !url.hash;
    if (!secure || !bare || !plainHost || !/^https?:\/\/[^/?#]+\/?$/i.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "must be an https origin like https://example.com[:port] (http only for localhost)",
      });
      return z.NEVER;
    }
    return url.origin;
  });

export const embedOriginsSchema = z
  .array(embedOriginSchema)
  .max(10, "at most 10 origins")
  .transform((origins) => [...new Set(origins)]);

const isoTime = z.string();

// ---- accounts ----

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  created_at: isoTime,
});

export const signupBodySchema = z.strictObject({
  name: nameSchema,
  email: emailSchema,
  password: clientPasswordSchema,
});

export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: clientPasswordSchema,
});

/** `POST /api/auth/signup|login|refresh` answer. */
export const authResultSchema = z.object({
  user: userSchema,
  access_token: z.string(),
  /** Seconds until the access token expires. */
  expires_in: z.number().int(),
});

export const meResultSchema = z.object({ user: userSchema });

export const updateMeBodySchema = z.strictObject({ name: nameSchema.optional() });

export const changePasswordBodySchema = z.strictObject({
  current_password: clientPasswordSchema,
  new_password: clientPasswordSchema,
});

// ---- calls ----

export const callSchema = z.object({
  id: z.string(),
  link: z.string(),
  title: z.string(),
  description: z.string(),
  host: z.object({ id: z.string(), name: z.string() }),
  allow_guests: z.boolean(),
  embed_origins: z.array(z.string()),
  /** The page people open to join: `https://<host>/call/<link>`. */
  join_url: z.string(),
  created_at: isoTime,
});

/** What a stranger with the link sees (the join page). */
export const publicCallSchema = z.object({
  link: z.string(),
  title: z.string(),
  host: z.object({ name: z.string() }),
  allow_guests: z.boolean(),
});

export const createCallBodySchema = z.strictObject({
  title: titleSchema,
  description: descriptionSchema.optional(),
  allow_guests: z.boolean().optional(),
  embed_origins: embedOriginsSchema.optional(),
});

export const updateCallBodySchema = z.strictObject({
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  allow_guests: z.boolean().optional(),
  embed_origins: embedOriginsSchema.optional(),
});

export const callResultSchema = z.object({ call: callSchema });
export const publicCallResultSchema = z.object({ call: publicCallSchema });

/** `?cursor=&limit=` of the paginated lists; `next_cursor` is null on the last page. */
export const pageQuerySchema = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const callListSchema = z.object({
  calls: z.array(callSchema),
  next_cursor: z.string().nullable(),
});

// ---- tickets and ICE servers ----

/** `POST /api/calls/:link/ticket`: a guest must give a display name; a signed-in user may omit the body. */
export const ticketBodySchema = z.strictObject({ display_name: nameSchema.optional() });

export const ticketResultSchema = z.object({
  ticket: z.string(),
  /** Seconds the ticket stays valid. */
  expires_in: z.number().int(),
  /** `ws(s)://<host>/api/calls/<link>/ws`; append `?ticket=`. */
  ws_url: z.string(),
});

/** Structurally an RTCIceServer. */
export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

export const iceServersResultSchema = z.object({
  ice_servers: z.array(iceServerSchema),
  /** When the credentials stop working; fetch new ones before joining after this time. */
  expires_at: isoTime,
});

// ---- call history ----

export const callLogSchema = z.object({
  /** Null when the call has since been deleted. */
  call_id: z.string().nullable(),
  call_title: z.string(),
  role: z.enum(["host", "participant"]),
  joined_at: isoTime,
  left_at: isoTime,
  duration_seconds: z.number().int(),
  participant_count: z.number().int(),
});

export const callLogListSchema = z.object({
  call_logs: z.array(callLogSchema),
  next_cursor: z.string().nullable(),
});

export type User = z.infer<typeof userSchema>;
export type SignupBody = z.input<typeof signupBodySchema>;
export type LoginBody = z.input<typeof loginBodySchema>;
export type AuthResult = z.infer<typeof authResultSchema>;
export type UpdateMeBody = z.input<typeof updateMeBodySchema>;
export type ChangePasswordBody = z.input<typeof changePasswordBodySchema>;
export type Call = z.infer<typeof callSchema>;
export type PublicCall = z.infer<typeof publicCallSchema>;
export type CreateCallBody = z.input<typeof createCallBodySchema>;
export type UpdateCallBody = z.input<typeof updateCallBodySchema>;
export type CallList = z.infer<typeof callListSchema>;
export type PageQuery = z.infer<typeof pageQuerySchema>;
export type TicketBody = z.input<typeof ticketBodySchema>;
export type TicketResult = z.infer<typeof ticketResultSchema>;
export type IceServer = z.infer<typeof iceServerSchema>;
export type IceServersResult = z.infer<typeof iceServersResultSchema>;
export type CallLog = z.infer<typeof callLogSchema>;
export type CallLogList = z.infer<typeof callLogListSchema>;
