// Microphone/camera on or off, remembered per call, so rejoining a call starts the way you left it;
// and a guest's name, remembered for the next call.

export interface MediaPrefs {
  audio: boolean;
  video: boolean;
}

const key = (link: string) => `vcme:media:${link}`;

/** The remembered choice for this call; both on the first time. */
export function readMediaPrefs(link: string): MediaPrefs {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(link)) ?? "null");
    if (typeof parsed === "object" && parsed !== null && "audio" in parsed && "video" in parsed) {
      return { audio: parsed.audio === true, video: parsed.video === true };
    }
  } catch {
    // Unreadable or unavailable storage: start with both on.
  }
  return { audio: true, video: true };
}

/** Remembers the choice for this call. */
export function writeMediaPrefs(link: string, prefs: MediaPrefs): void {
  try {
    localStorage.setItem(key(link), JSON.stringify(prefs));
  } catch {
    // Private mode or full storage: the choice just isn't remembered.
  }
}

const GUEST_NAME_KEY = "vcme:guest-name";

/** The name this browser last joined with as a guest, so the next call suggests it. */
export function readGuestName(): string {
  try {
    return localStorage.getItem(GUEST_NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

export function writeGuestName(name: string): void {
  try {
    localStorage.setItem(GUEST_NAME_KEY, name);
  } catch {
    // Not remembered; the person types it again next time.
  }
}
