import type { ReadonlySignal } from "@preact/signals";
import type { Reaction } from "../../models/call-state";
import type { Participant } from "../../rtc/frames";
import type { PeerLink } from "../../rtc/PeerLink";
import { Quality } from "./Quality";
import { Video } from "./Video";

interface TileProps {
  person: Participant;
  stream: MediaStream | null;
  version: number;
  self?: boolean;
  link?: PeerLink | undefined;
  speaking?: ReadonlySignal<boolean> | undefined;
  reactions: Reaction[];
  onBlocked?: () => void;
}

/** One person: their video (or initials), name, microphone/camera/hand state, connection and reactions. */
export function Tile({
  person,
  stream,
  version,
  self = false,
  link,
  speaking,
  reactions,
  onBlocked,
}: TileProps) {
  const connection = link?.connection.value;
  const problem = link?.problem.value;
  const connecting = !self && connection !== "connected";
  const away = person.connected === false;
  return (
    <fieldset
      aria-label={person.name}
      class={`tile${speaking?.value && person.audio ? " speaking" : ""}${person.video ? "" : " no-video"}`}
    >
      <Video stream={stream} version={version} muted={self} mirrored={self} onBlocked={onBlocked} />
      {!person.video && (
        <div class="avatar" aria-hidden="true">
          {initials(person.name)}
        </div>
      )}
      <div class="tile-bar">
        <span class="tile-name">
          {person.name}
          {self && <span class="muted-text"> (you)</span>}
          {person.role === "host" && <span class="tag">Host</span>}
        </span>
        <span class="tile-icons">
          {person.hand_raised && (
            <span role="img" aria-label="Hand raised" class="icon hand">
              ✋
            </span>
          )}
          <span
            role="img"
            aria-label={person.audio ? "Microphone on" : "Microphone off"}
            class={`icon ${person.audio ? "" : "off"}`}
          >
            <MicIcon off={!person.audio} />
          </span>
          {!person.video && (
            <span role="img" aria-label="Camera off" class="icon off">
              <CameraIcon off />
            </span>
          )}
          {link && <Quality quality={link.quality} name={person.name} />}
        </span>
      </div>
      {(away || (connecting && connection !== "new") || problem) && (
        <p class="tile-status" role="status">
          {away ? "Reconnecting…" : (problem ?? "Connecting…")}
        </p>
      )}
      <div class="reactions" aria-live="polite">
        {reactions.map((r) => (
          <span key={r.key} class="reaction" role="img" aria-label={`${person.name} reacted ${r.emoji}`}>
            {r.emoji}
          </span>
        ))}
      </div>
    </fieldset>
  );
}

/** Up to two initials for a tile without video. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters
    .map((w) => (w ? Array.from(w)[0] : ""))
    .join("")
    .toUpperCase();
}

export function MicIcon({ off = false }: { off?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
    >
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
      {off && <path d="M4 4l16 16" />}
    </svg>
  );
}

export function CameraIcon({ off = false }: { off?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linejoin="round"
    >
      <rect x="3" y="6" width="13" height="12" rx="2" />
      <path d="M16 10l5-3v10l-5-3z" />
      {off && <path d="M3 3l18 18" stroke-linecap="round" />}
    </svg>
  );
}
