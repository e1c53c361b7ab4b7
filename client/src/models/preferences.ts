// Everything this browser remembers in localStorage, in one place: microphone/camera on or off per call
// (rejoining starts the way you left), the chosen devices, and a guest's name for the next call. Storage
// may be unreadable, full or off (private mode): then nothing is remembered and nothing breaks.

export interface MediaPrefs {
  audio: boolean;
  video: boolean;
}

export interface DevicePicks {
  audio?: string;
  video?: string;
}

const mediaKey = (slug: string) => `vcme:media:${slug}`;
const PICKS_KEY = "vcme:devices";
const GUEST_NAME_KEY = "vcme:guest-name";

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: just not remembered.
  }
}

function readJson(key: string): object | null {
  try {
    const parsed: unknown = JSON.parse(read(key) ?? "null");
    return typeof parsed === "object" && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

/** The remembered choice for this call; both on the first time. */
export function readMediaPrefs(slug: string): MediaPrefs {
  const parsed = readJson(mediaKey(slug));
  if (parsed && "audio" in parsed && "video" in parsed)
    return { audio: parsed.audio === true, video: parsed.video === true };
  return { audio: true, video: true };
}

/** Remembers the choice for this call. */
export function writeMediaPrefs(slug: string, prefs: MediaPrefs): void {
  write(mediaKey(slug), JSON.stringify(prefs));
}

/** The camera and microphone last picked. */
export function readDevicePicks(): DevicePicks {
  const parsed = readJson(PICKS_KEY) ?? {};
  const audio = "audio" in parsed && typeof parsed.audio === "string" ? parsed.audio : undefined;
  const video = "video" in parsed && typeof parsed.video === "string" ? parsed.video : undefined;
  return { audio, video };
}

export function writeDevicePicks(picks: DevicePicks): void {
  write(PICKS_KEY, JSON.stringify(picks));
}

/** The name this browser last joined with as a guest, so the next call suggests it. */
export function readGuestName(): string {
  return read(GUEST_NAME_KEY) ?? "";
}

export function writeGuestName(name: string): void {
  write(GUEST_NAME_KEY, name);
}
