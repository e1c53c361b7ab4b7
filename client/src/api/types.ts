// The REST shapes of PROTOCOL.md §1 as the client sees them. Types only: importing the zod schemas
// would put the validator into the first screen's bundle, and the Worker already validates both ways.

export interface User {
  id: string;
  name: string;
  email: string;
  created_at: string;
}

export interface AuthResult {
  user: User;
  access_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
}

export interface Call {
  id: string;
  link: string;
  title: string;
  description: string | null;
  host: { id: string; name: string };
  allow_guests: boolean;
  embed_origins: string[];
  join_url: string;
  created_at: string;
}

export interface PublicCall {
  link: string;
  title: string;
  host: { name: string };
  allow_guests: boolean;
}

export interface CallLog {
  call_id: string;
  call_title: string;
  role: "host" | "participant";
  joined_at: string;
  left_at: string | null;
  duration_seconds: number | null;
  participant_count: number;
}

export interface CallList {
  calls: Call[];
  next_cursor: string | null;
}

export interface CallLogList {
  call_logs: CallLog[];
  next_cursor: string | null;
}

export interface Ticket {
  ticket: string;
  expires_in: number;
  ws_url: string;
}

/** Structurally an RTCIceServer, spelled out so this file needs no DOM types. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceServers {
  ice_servers: IceServer[];
  expires_at: string;
}

export interface SignupBody {
  name: string;
  email: string;
  password: string;
}

export interface LoginBody {
  email: string;
  password: string;
}

export interface CallCreateBody {
  title: string;
  description?: string;
  allow_guests?: boolean;
  embed_origins?: string[];
}

export type CallUpdateBody = Partial<CallCreateBody>;
