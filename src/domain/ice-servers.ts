import * as z from "zod";
import type { IceServer, IceServersResult } from "../protocol/rest";

/** Cloudflare's public STUN server: enough when no TURN key is configured. */
export const DEFAULT_STUN: IceServer = { urls: "stun:stun.cloudflare.com:3478" };
export const DEFAULT_TURN_API_BASE = "https://rtc.live.cloudflare.com/v1";
/** TURN credentials outlive a long call (an allocation cannot be refreshed once they expire). */
export const TURN_CREDENTIAL_TTL_SECONDS = 8 * 60 * 60;
/** STUN needs no credentials; the expiry only tells the client when to ask again. */
const STUN_ONLY_TTL_SECONDS = 24 * 60 * 60;
const TURN_API_TIMEOUT_MS = 3_000;

/** Bounds of `TURN_TTL_SECONDS`: the client refreshes a minute before expiry, so below that it would loop. */
const MIN_OWN_TTL_SECONDS = 60;
const MAX_OWN_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface TurnConfig {
  /** Cloudflare Realtime TURN: the key and its API token. */
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  /** Tests only: where the TURN credentials API lives (defaults to Cloudflare's). */
  TURN_API_BASE?: string;
  /** A TURN server of your own (coturn `use-auth-secret`): the shared secret and its comma-separated URLs. */
  TURN_SHARED_SECRET?: string;
  TURN_URLS?: string;
  /** Lifetime of the credentials minted with TURN_SHARED_SECRET (default 8 hours). */
  TURN_TTL_SECONDS?: string;
  /** Comma-separated `stun:` URLs replacing Cloudflare's public STUN server. */
  STUN_URLS?: string;
}

const generatedSchema = z.object({
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string(), z.array(z.string())]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .min(1),
});

// Browsers refuse port 53 (Chrome just times out on it), so those URLs only slow ICE down.
const usableUrl = (url: string) => !/:53(\?|$)/.test(url);

function withoutPort53(server: IceServer): IceServer | null {
  const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter(usableUrl);
  return urls.length ? { ...server, urls } : null;
}

function listOf(value: string | undefined, pattern: RegExp, name: string): string[] {
  const all = (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const valid = all.filter((url) => pattern.test(url));
  if (valid.length < all.length)
    console.error(`${name}: ignored ${all.length - valid.length} invalid URL(s)`);
  return valid;
}

const TURN_URL = /^turns?:[^\s,?]+(\?transport=(udp|tcp))?$/;
const STUN_URL = /^stuns?:[^\s,?]+$/;

/** `TURN_TTL_SECONDS` as a whole number of seconds within bounds; anything else is the default. */
export function ownTurnTtl(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return TURN_CREDENTIAL_TTL_SECONDS;
  const seconds = Number(value);
  if (Number.isInteger(seconds) && seconds >= MIN_OWN_TTL_SECONDS && seconds <= MAX_OWN_TTL_SECONDS)
    return seconds;
  console.error(
    `TURN_TTL_SECONDS must be a whole number from ${MIN_OWN_TTL_SECONDS} to ${MAX_OWN_TTL_SECONDS}; using ${TURN_CREDENTIAL_TTL_SECONDS}`,
  );
  return TURN_CREDENTIAL_TTL_SECONDS;
}

/** base64(HMAC-SHA1(secret, username)): the password of the TURN REST API scheme (coturn `use-auth-secret`). */
export async function turnPassword(secret: string, username: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(username)));
  return btoa(String.fromCharCode(...mac));
}

/** The STUN servers of a TURN server of one's own: every `turn:` host and port also answers STUN. */
function stunOf(turnUrls: string[]): string[] {
  const stun = turnUrls
    .filter((url) => url.startsWith("turn:") && !url.endsWith("?transport=tcp"))
    .map((url) => `stun:${url.slice("turn:".length).replace(/\?.*$/, "")}`);
  return [...new Set(stun)];
}

/**
 * Credentials of the TURN REST API scheme for a TURN server of one's own, minted here with the shared
 * secret (which never leaves the Worker): username `<expiry unix seconds>:<opaque id>`, password
 * base64(HMAC-SHA1(secret, username)). The opaque id is random: it names nobody.
 */
async function ownTurn(config: TurnConfig, turnUrls: string[], now: number): Promise<IceServersResult> {
  const ttl = ownTurnTtl(config.TURN_TTL_SECONDS);
  const expiresAt = Math.floor(now / 1000) + ttl;
  const id = new Uint8Array(12);
  crypto.getRandomValues(id);
  const username = `${expiresAt}:${Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const credential = await turnPassword(config.TURN_SHARED_SECRET ?? "", username);
  const stun = listOf(config.STUN_URLS, STUN_URL, "STUN_URLS");
  const stunUrls = stun.length ? stun : stunOf(turnUrls);
  return {
    ice_servers: [...(stunUrls.length ? [{ urls: stunUrls }] : []), { urls: turnUrls, username, credential }],
    expires_at: new Date(expiresAt * 1000).toISOString(),
  };
}

/**
 * The ICE servers for one person. A TURN server of one's own (`TURN_SHARED_SECRET` + `TURN_URLS`) wins:
 * its credentials are minted here, no request leaves the Worker. Otherwise short-lived TURN credentials
 * from Cloudflare's "generate ICE servers" API when a TURN key is configured (the key never leaves the
 * server), otherwise STUN only (`STUN_URLS`, or Cloudflare's). A TURN API failure falls back to STUN rather
 * than failing the join.
 */
export async function iceServersFor(
  config: TurnConfig,
  now = Date.now(),
  fetcher: typeof fetch = fetch,
): Promise<IceServersResult> {
  const stunOnly = (): IceServersResult => {
    const stun = listOf(config.STUN_URLS, STUN_URL, "STUN_URLS");
    return {
      ice_servers: [stun.length ? { urls: stun } : DEFAULT_STUN],
      expires_at: new Date(now + STUN_ONLY_TTL_SECONDS * 1000).toISOString(),
    };
  };
  if (config.TURN_SHARED_SECRET) {
    const turnUrls = listOf(config.TURN_URLS, TURN_URL, "TURN_URLS");
    if (turnUrls.length) return ownTurn(config, turnUrls, now);
    console.error("TURN_SHARED_SECRET is set but TURN_URLS lists no turn: or turns: URL");
  }
  if (!config.TURN_KEY_ID || !config.TURN_KEY_API_TOKEN) return stunOnly();
  const base = (config.TURN_API_BASE || DEFAULT_TURN_API_BASE).replace(/\/+$/, "");
  const url = `${base}/turn/keys/${encodeURIComponent(config.TURN_KEY_ID)}/credentials/generate-ice-servers`;
  try {
    const response = await fetcher(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${config.TURN_KEY_API_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ttl: TURN_CREDENTIAL_TTL_SECONDS }),
      signal: AbortSignal.timeout(TURN_API_TIMEOUT_MS),
    });
    if (!response.ok) {
      console.error("TURN credentials API answered", response.status);
      return stunOnly();
    }
    const parsed = generatedSchema.safeParse(await response.json());
    if (!parsed.success) {
      console.error("TURN credentials API answered an unexpected shape");
      return stunOnly();
    }
    const servers = parsed.data.iceServers
      .map((server) => withoutPort53(server))
      .filter((server): server is IceServer => server !== null);
    return {
      ice_servers: servers.length ? servers : [DEFAULT_STUN],
      expires_at: new Date(now + TURN_CREDENTIAL_TTL_SECONDS * 1000).toISOString(),
    };
  } catch (error) {
    console.error("TURN credentials API failed", error instanceof Error ? error.message : String(error));
    return stunOnly();
  }
}
