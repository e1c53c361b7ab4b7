import type { ReadonlySignal } from "@preact/signals";
import type { Reaction } from "../../models/call-state";
import type { Participant } from "../../rtc/frames";
import type { PeerLink } from "../../rtc/PeerLink";
import { CameraIcon, MicIcon } from "./icons";
import { Quality } from "./Quality";
import { Video } from "./Video";

interface TileProps {
  person: Participant;
  stream: MediaStream | null;
  /** Bumped when our own tracks change (for our tile); a remote person's tile follows their connection. */
  version: number;
  self?: boolean;
  peer?: PeerLink | undefined;
  /** Whether they are speaking, asked again whenever their tracks change. */
  speaking?: (() => ReadonlySignal<boolean>) | undefined;
  reactions: Reaction[];
  onBlocked?: () => void;
}

/** One person: their video (or initials), name, microphone/camera/hand state, connection and reactions. */
export function Tile({
  person,
  stream,
  version,
  self = false,
  peer,
  speaking,
  reactions,
  onBlocked,
}: TileProps) {
  // Their tracks arriving re-render this tile, not the whole call screen: a new video to attach, a
  // new voice to watch for speaking.
  const tracks = peer ? peer.tracksVersion.value : version;
  const talking = speaking?.().value;
  const connection = peer?.connection.value;
  const problem = peer?.problem.value;
  const connecting = !self && connection !== "connected";
  const away = person.connected === false;
  return (
    <fieldset
      aria-label={person.name}
      class={`tile${talking && person.audio ? " speaking" : ""}${person.video ? "" : " no-video"}`}
    >
      <Video stream={stream} version={tracks} muted={self} mirrored={self} onBlocked={onBlocked} />
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
          {peer && <Quality quality={peer.quality} name={person.name} />}
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
