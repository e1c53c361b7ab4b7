import type { Send } from "./http";
import type {
  AuthResult,
  Call,
  CallList,
  CallLogList,
  ChangePasswordBody,
  CreateCallBody,
  IceServersResult,
  LoginBody,
  PublicCall,
  SignupBody,
  TicketBody,
  TicketResult,
  UpdateCallBody,
  UpdateMeBody,
  User,
} from "./types";

const slug = (link: string) => encodeURIComponent(link);
const cursorQuery = (cursor?: string | null) => (cursor ? `?cursor=${encodeURIComponent(cursor)}` : "");

/** Accounts endpoints that do not need an access token (the refresh cookie travels by itself). */
export function createAuthApi(send: Send) {
  return {
    signup: (body: SignupBody) => send<AuthResult>({ method: "POST", path: "/api/auth/signup", body }),
    login: (body: LoginBody) => send<AuthResult>({ method: "POST", path: "/api/auth/login", body }),
    refresh: () => send<AuthResult>({ method: "POST", path: "/api/auth/refresh" }),
    logout: () => send<undefined>({ method: "POST", path: "/api/auth/logout" }),
  };
}

/** The rest of PROTOCOL.md §1; `send` adds the access token (and refreshes it after a 401). */
export function createApi(send: Send) {
  return {
    me: () => send<{ user: User }>({ method: "GET", path: "/api/me" }),
    updateMe: (body: UpdateMeBody) => send<{ user: User }>({ method: "PATCH", path: "/api/me", body }),
    changePassword: (body: ChangePasswordBody) =>
      send<undefined>({ method: "POST", path: "/api/me/password", body }),
    createCall: (body: CreateCallBody) => send<{ call: Call }>({ method: "POST", path: "/api/calls", body }),
    listCalls: (cursor?: string | null) =>
      send<CallList>({ method: "GET", path: `/api/calls${cursorQuery(cursor)}` }),
    publicCall: (link: string) =>
      send<{ call: PublicCall }>({ method: "GET", path: `/api/calls/${slug(link)}` }),
    updateCall: (link: string, body: UpdateCallBody) =>
      send<{ call: Call }>({ method: "PATCH", path: `/api/calls/${slug(link)}`, body }),
    deleteCall: (link: string) => send<undefined>({ method: "DELETE", path: `/api/calls/${slug(link)}` }),
    ticket: (link: string, body: TicketBody) =>
      send<TicketResult>({ method: "POST", path: `/api/calls/${slug(link)}/ticket`, body }),
    iceServers: () => send<IceServersResult>({ method: "GET", path: "/api/ice-servers" }),
    callLogs: (cursor?: string | null) =>
      send<CallLogList>({ method: "GET", path: `/api/call-logs${cursorQuery(cursor)}` }),
  };
}

export type AuthApi = ReturnType<typeof createAuthApi>;
export type Api = ReturnType<typeof createApi>;
