import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { CameraIcon, Icon, MicIcon } from "./icons";

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

/** The call's control bar. Names follow docs/accessibility.md; shortcuts are announced with aria-keyshortcuts. */
export function Controls(props: ControlsProps) {
  const [reacting, setReacting] = useState(false);
  return (
    <div class="controls" role="toolbar" aria-label="Call controls">
      <Toggle label="Microphone" warnWhenOff pressed={props.audio} shortcut="M" onClick={props.onMicrophone}>
        <MicIcon off={!props.audio} />
      </Toggle>
      <Toggle label="Camera" warnWhenOff pressed={props.video} shortcut="V" onClick={props.onCamera}>
        <CameraIcon off={!props.video} />
      </Toggle>
      {props.canShare && (
        <Toggle label="Share screen" pressed={props.screen} onClick={props.onScreen}>
          <Icon d="M3 5h18v11H3zM8 20h8M12 16v4" />
        </Toggle>
      )}
      <Toggle label="Raise hand" pressed={props.hand} shortcut="H" onClick={props.onHand}>
        <Icon d="M7 11V6a1.5 1.5 0 0 1 3 0v4M10 10V4.5a1.5 1.5 0 0 1 3 0V10M13 10V5.5a1.5 1.5 0 0 1 3 0V11M16 11V8.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-1a6 6 0 0 1-5-2.7L3.5 14a1.6 1.6 0 0 1 2.7-1.7L7 13.5" />
      </Toggle>
      <div class="reaction-picker">
        {/* Named by what it shows ("React"): a speech-input user says what they see. */}
        <button type="button" class="control" aria-expanded={reacting} onClick={() => setReacting(!reacting)}>
          <Icon d="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
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
      {panels(props).map((panel) => (
        <PanelButton
          key={panel.id}
          label={panel.label}
          shortcut={panel.shortcut}
          open={props.panel === panel.id}
          count={panel.count}
          countLabel={panel.countLabel}
          onClick={() => props.onPanel(panel.id)}
        >
          <Icon d={panel.icon} />
        </PanelButton>
      ))}
      <button type="button" class="control leave" onClick={props.onLeave}>
        <Icon d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1 1 .4 1.9.7 2.8a2 2 0 0 1-.5 2.1L8 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.8.7a2 2 0 0 1 1.7 2z" />
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
  /** Off is a warning (microphone, camera), not just the resting state (screen, hand). */
  warnWhenOff?: boolean;
  shortcut?: string;
  onClick(): void;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={`control${!props.pressed && props.warnWhenOff ? " off" : ""}`}
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

/** The side panels, in the order of their buttons. */
function panels(props: { unread: number; knocking: number }) {
  return [
    {
      id: "chat",
      label: "Chat",
      shortcut: "C",
      count: props.unread,
      countLabel: "unread",
      icon: "M4 5h16v11H9l-5 4z",
    },
    {
      id: "people",
      label: "Participants",
      shortcut: "P",
      count: props.knocking,
      countLabel: "waiting to join",
      icon: "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14a6.5 6.5 0 0 1 3.5 6",
    },
    {
      id: "devices",
      label: "Devices",
      shortcut: undefined,
      count: 0,
      countLabel: "",
      icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM12 2v3M12 19v3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M2 12h3M19 12h3M4.9 19.1 7 17M17 7l2.1-2.1",
    },
  ] as const;
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
  // Named by its content, so the name holds what is seen (the label, then the count: "Chat 2 unread").
  return (
    <button
      type="button"
      class={`control${props.open ? " active" : ""}`}
      aria-expanded={props.open}
      aria-keyshortcuts={props.shortcut}
      title={props.shortcut ? `${props.label} (${props.shortcut})` : props.label}
      onClick={props.onClick}
    >
      {props.children}
      <span class="control-label">{props.label}</span>
      {props.count > 0 && (
        <span class="badge">
          {props.count}
          <span class="visually-hidden"> {props.countLabel}</span>
        </span>
      )}
    </button>
  );
}
