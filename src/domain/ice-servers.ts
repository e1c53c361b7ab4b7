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

export interface TurnConfig {
  TURN_KEY_ID?: string;
  TURN_KEY_API_TOKEN?: string;
  TURN_API_BASE?: string;
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

/**
 * The ICE servers for one person: short-lived TURN credentials from Cloudflare's "generate ICE servers" API
 * when a TURN key is configured (the key never leaves the server), otherwise STUN only. A TURN API failure
 * falls back to STUN rather than failing the join.
 */
export async function iceServersFor(
  config: TurnConfig,
  now = Date.now(),
  fetcher: typeof fetch = fetch,
): Promise<IceServersResult> {
  const stunOnly = (): IceServersResult => ({
    ice_servers: [DEFAULT_STUN],
    expires_at: new Date(now + STUN_ONLY_TTL_SECONDS * 1000).toISOString(),
  });
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
