// The postMessage contract between a host page (embed.js) and the call inside its iframe
// (client/src/embed/bridge.ts). Both sides check every message by hand (no zod: embed.js must stay a few
// KB with no dependencies) and ignore anything that does not fit. docs/embedding.md documents it.

/** The message format's version; a new format gets a new number and a new /embed/vN.js. */
export const MESSAGE_VERSION = 1;

/** What the host page may ask of the call. */
export const COMMANDS = ["toggle-audio", "toggle-video", "toggle-screen-share", "leave"] as const;
export type EmbedCommand = (typeof COMMANDS)[number];

export interface EmbedParticipant {
  id: string;
  name: string;
}

/** What the call tells the host page, with each event's data. */
export interface EmbedEvents {
  /** The call page has loaded and listens for commands. */
  ready: { link: string };
  /** The person knocked and waits for the host. */
  waiting: Record<string, never>;
  /** The person is in the call. */
  joined: { participant_id: string; role: "host" | "participant"; participants: EmbedParticipant[] };
  declined: { reason?: string };
  "participant-joined": EmbedParticipant;
  "participant-left": { id: string };
  /** Own microphone, camera or screen share changed (after a command or a click inside the frame). */
  media: { audio: boolean; video: boolean; screen: boolean };
  left: Record<string, never>;
  /** The call is over for this person: ended by the host, removed, or the connection could not be kept. */
  "call-ended": { reason: "ended" | "removed" | "failed"; message?: string };
  error: { code: string; message: string };
}
export type EmbedEventName = keyof EmbedEvents;

export const EVENT_NAMES: readonly EmbedEventName[] = [
  "ready",
  "waiting",
  "joined",
  "declined",
  "participant-joined",
  "participant-left",
  "media",
  "left",
  "call-ended",
  "error",
];

export interface CommandMessage {
  vcme: typeof MESSAGE_VERSION;
  type: "command";
  command: EmbedCommand;
}

export interface EventMessage<K extends EmbedEventName = EmbedEventName> {
  vcme: typeof MESSAGE_VERSION;
  type: "event";
  event: K;
  data: EmbedEvents[K];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A command from the host page, or null for anything else (ignored, never answered). */
export function parseCommand(data: unknown): CommandMessage | null {
  if (!isRecord(data) || data.vcme !== MESSAGE_VERSION || data.type !== "command") return null;
  const command = data.command;
  return COMMANDS.some((known) => known === command)
    ? { vcme: MESSAGE_VERSION, type: "command", command: command as EmbedCommand }
    : null;
}

/** An event from the call, or null for anything else. The data is an object; its fields are as documented. */
export function parseEvent(data: unknown): EventMessage | null {
  if (!isRecord(data) || data.vcme !== MESSAGE_VERSION || data.type !== "event") return null;
  const event = data.event;
  if (!EVENT_NAMES.some((known) => known === event) || !isRecord(data.data)) return null;
  return data as unknown as EventMessage;
}

/** The frame URL's settings, as embed.js writes them and the call page reads them. */
export interface FrameSettings {
  /** The host page's origin: the only one commands are taken from and events are sent to. */
  origin: string;
  displayName?: string;
  audio?: boolean;
  video?: boolean;
  theme?: "light" | "dark";
  /** Knock (or join) as soon as the call page has loaded, without pressing its button. */
  autoJoin?: boolean;
}

/** The query of `/embed/:link` for these settings. */
export function frameQuery(settings: FrameSettings): string {
  const query = new URLSearchParams({ origin: settings.origin });
  if (settings.displayName) query.set("name", settings.displayName.slice(0, 80));
  if (settings.audio !== undefined) query.set("audio", settings.audio ? "1" : "0");
  if (settings.video !== undefined) query.set("video", settings.video ? "1" : "0");
  if (settings.theme) query.set("theme", settings.theme);
  if (settings.autoJoin) query.set("join", "auto");
  return query.toString();
}

const flag = (value: string | null) => (value === "1" ? true : value === "0" ? false : undefined);

/** Reads the frame URL's query; null without a usable host page origin (then nothing is bridged). */
export function readFrameSettings(search: string): FrameSettings | null {
  const query = new URLSearchParams(search);
  let origin: string;
  try {
    origin = new URL(query.get("origin") ?? "").origin;
  } catch {
    return null;
  }
  if (origin === "null" || origin !== query.get("origin")) return null;
  const name = query.get("name")?.trim().slice(0, 80);
  const theme = query.get("theme");
  return {
    origin,
    ...(name ? { displayName: name } : {}),
    ...(flag(query.get("audio")) !== undefined ? { audio: flag(query.get("audio")) } : {}),
    ...(flag(query.get("video")) !== undefined ? { video: flag(query.get("video")) } : {}),
    ...(theme === "light" || theme === "dark" ? { theme } : {}),
    ...(query.get("join") === "auto" ? { autoJoin: true } : {}),
  };
}
