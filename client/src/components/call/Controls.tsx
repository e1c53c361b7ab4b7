import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { CameraIcon, MicIcon } from "./Tile";

export const EMOJIS = ["👍", "👏", "😂", "❤️", "🎉", "😮"] as const;

interface ControlsProps {
  audio: boolean;
  video: boolean;
  screen: boolean;
  canShare: boolean;
  hand: boolean;
  isHost: boolean;
  unread: number;
  knocking: number;
  panel: "chat" | "people" | "devices" | null;
  onMicrophone(): void;
  onCamera(): void;
  onScreen(): void;
  onHand(): void;
  onEmoji(emoji: string): void;
  onPanel(panel: "chat" | "people" | "devices"): void;
  onLeave(): void;
  onEnd(): void;
}

/** The call's control bar. Names follow UI-CONTRACT.md; shortcuts are announced with aria-keyshortcuts. */
export function Controls(props: ControlsProps) {
  const [reacting, setReacting] = useState(false);
  return (
    <div class="controls" role="toolbar" aria-label="Call controls">
      <Toggle label="Microphone" pressed={props.audio} shortcut="M" onClick={props.onMicrophone}>
        <MicIcon off={!props.audio} />
      </Toggle>
      <Toggle label="Camera" pressed={props.video} shortcut="V" onClick={props.onCamera}>
        <CameraIcon off={!props.video} />
      </Toggle>
      {props.canShare && (
        <Toggle label="Share screen" pressed={props.screen} onClick={props.onScreen}>
          <span aria-hidden="true">🖥</span>
        </Toggle>
      )}
      <Toggle label="Raise hand" pressed={props.hand} shortcut="H" onClick={props.onHand}>
        <span aria-hidden="true">✋</span>
      </Toggle>
      <div class="reaction-picker">
        <button
          type="button"
          class="control"
          aria-expanded={reacting}
          aria-label="Reactions"
          onClick={() => setReacting(!reacting)}
        >
          <span aria-hidden="true">😊</span>
          <span class="control-label">React</span>
        </button>
        {reacting && (
          <fieldset class="emoji-palette">
            <legend class="visually-hidden">Send a reaction</legend>
            {EMOJIS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                class="emoji"
                aria-label={`React ${emoji}`}
                onClick={() => {
                  props.onEmoji(emoji);
                  setReacting(false);
                }}
              >
                {emoji}
              </button>
            ))}
          </fieldset>
        )}
      </div>
      <PanelButton
        label="Chat"
        shortcut="C"
        open={props.panel === "chat"}
        count={props.unread}
        countLabel="unread"
        onClick={() => props.onPanel("chat")}
      >
        <span aria-hidden="true">💬</span>
      </PanelButton>
      <PanelButton
        label="Participants"
        shortcut="P"
        open={props.panel === "people"}
        count={props.knocking}
        countLabel="waiting to join"
        onClick={() => props.onPanel("people")}
      >
        <span aria-hidden="true">👥</span>
      </PanelButton>
      <PanelButton
        label="Devices"
        open={props.panel === "devices"}
        count={0}
        countLabel=""
        onClick={() => props.onPanel("devices")}
      >
        <span aria-hidden="true">⚙</span>
      </PanelButton>
      <button type="button" class="control leave" onClick={props.onLeave}>
        <span aria-hidden="true">📞</span>
        <span class="control-label">Leave</span>
      </button>
      {props.isHost && (
        <button type="button" class="control end" onClick={props.onEnd}>
          <span class="control-label">End call for everyone</span>
        </button>
      )}
    </div>
  );
}

function Toggle(props: {
  label: string;
  pressed: boolean;
  shortcut?: string;
  onClick(): void;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={`control${props.pressed ? "" : " off"}`}
      aria-label={props.label}
      aria-pressed={props.pressed}
      aria-keyshortcuts={props.shortcut}
      title={props.shortcut ? `${props.label} (${props.shortcut})` : props.label}
      onClick={props.onClick}
    >
      {props.children}
      <span class="control-label">{props.label}</span>
    </button>
  );
}

function PanelButton(props: {
  label: string;
  shortcut?: string;
  open: boolean;
  count: number;
  countLabel: string;
  onClick(): void;
  children: ComponentChildren;
}) {
  const described = props.count > 0 ? `${props.label.toLowerCase()}-count` : undefined;
  return (
    <button
      type="button"
      class={`control${props.open ? " active" : ""}`}
      aria-label={props.label}
      aria-expanded={props.open}
      aria-keyshortcuts={props.shortcut}
      aria-describedby={described}
      title={props.shortcut ? `${props.label} (${props.shortcut})` : props.label}
      onClick={props.onClick}
    >
      {props.children}
      <span class="control-label">{props.label}</span>
      {props.count > 0 && (
        <span class="badge" id={described}>
          {props.count}
          <span class="visually-hidden"> {props.countLabel}</span>
        </span>
      )}
    </button>
  );
}
