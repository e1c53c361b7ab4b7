import type { Send } from "./http";
import type * as T from "./types";

const inPath = (slug: string) => encodeURIComponent(slug);
const cursorQuery = (cursor?: string | null) => (cursor ? `?cursor=${encodeURIComponent(cursor)}` : "");

/** Accounts endpoints that do not need an access token (the refresh cookie travels by itself). */
export function createAuthApi(send: Send) {
  return {
    signup: (body: T.SignupBody) => send<T.AuthResult>({ method: "POST", path: "/api/auth/signup", body }),
    login: (body: T.LoginBody) => send<T.AuthResult>({ method: "POST", path: "/api/auth/login", body }),
    refresh: () => send<T.AuthResult>({ method: "POST", path: "/api/auth/refresh" }),
    logout: () => send<undefined>({ method: "POST", path: "/api/auth/logout" }),
  };
}

/** The rest of docs/api.md; `send` adds the access token (and refreshes it after a 401). */
export function createApi(send: Send) {
  return {
    me: () => send<{ user: T.User }>({ method: "GET", path: "/api/me" }),
    updateMe: (body: T.UpdateMeBody) => send<{ user: T.User }>({ method: "PATCH", path: "/api/me", body }),
    changePassword: (body: T.ChangePasswordBody) =>
      send<undefined>({ method: "POST", path: "/api/me/password", body }),
    createCall: (body: T.CreateCallBody) =>
      send<{ call: T.Call }>({ method: "POST", path: "/api/calls", body }),
    listCalls: (cursor?: string | null) =>
      send<T.CallList>({ method: "GET", path: `/api/calls${cursorQuery(cursor)}` }),
    publicCall: (slug: string) =>
      send<{ call: T.PublicCall }>({ method: "GET", path: `/api/calls/${inPath(slug)}` }),
    updateCall: (slug: string, body: T.UpdateCallBody) =>
      send<{ call: T.Call }>({ method: "PATCH", path: `/api/calls/${inPath(slug)}`, body }),
    deleteCall: (slug: string) => send<undefined>({ method: "DELETE", path: `/api/calls/${inPath(slug)}` }),
    ticket: (slug: string, body: T.TicketBody) =>
      send<T.TicketResult>({ method: "POST", path: `/api/calls/${inPath(slug)}/ticket`, body }),
    iceServers: () => send<T.IceServersResult>({ method: "GET", path: "/api/ice-servers" }),
    callLogs: (cursor?: string | null) =>
      send<T.CallLogList>({ method: "GET", path: `/api/call-logs${cursorQuery(cursor)}` }),
  };
}

export type AuthApi = ReturnType<typeof createAuthApi>;
export type Api = ReturnType<typeof createApi>;
