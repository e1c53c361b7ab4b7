// ICE servers (STUN + short-lived TURN credentials) from the Worker, refreshed a minute before they
// expire so an ICE restart late in a long call still has valid TURN credentials.

/** Structurally an RTCIceServer, spelled out so this file needs no DOM types. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceServersAnswer {
  ice_servers: IceServer[];
  expires_at: string;
}

/** Used when the Worker cannot be asked: direct connections and STUN still work on most networks. */
export const FALLBACK_ICE_SERVERS: IceServer[] = [{ urls: "stun:stun.cloudflare.com:3478" }];

const REFRESH_BEFORE_MS = 60_000;
const MIN_REFRESH_MS = 15_000;
const RETRY_MS = 30_000;

export class IceServerSource {
  #current: IceServer[] = FALLBACK_ICE_SERVERS;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  readonly #fetchServers: () => Promise<IceServersAnswer>;
  readonly #onRefresh: (servers: IceServer[]) => void;

  constructor(fetchServers: () => Promise<IceServersAnswer>, onRefresh: (servers: IceServer[]) => void) {
    this.#fetchServers = fetchServers;
    this.#onRefresh = onRefresh;
  }

  get servers(): IceServer[] {
    return this.#current;
  }

  /** Loads the servers once; keeps the fallback if the Worker does not answer. */
  async load(): Promise<IceServer[]> {
    try {
      const answer = await this.#fetchServers();
      if (answer.ice_servers.length > 0) this.#current = answer.ice_servers;
      const expiresAt = Date.parse(answer.expires_at);
      this.#schedule(
        Number.isFinite(expiresAt)
          ? Math.max(MIN_REFRESH_MS, expiresAt - Date.now() - REFRESH_BEFORE_MS)
          : RETRY_MS,
      );
    } catch {
      this.#schedule(RETRY_MS);
    }
    return this.#current;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      const before = this.#current;
      await this.load();
      if (this.#current !== before && !this.#stopped) this.#onRefresh(this.#current);
    }, ms);
  }
}
