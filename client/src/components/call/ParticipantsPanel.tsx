import type { Participant } from "../../rtc/frames";
import { MicIcon } from "./icons";
import { PersonButton, SidePanel } from "./SidePanel";

interface ParticipantsPanelProps {
  self: Participant;
  others: Participant[];
  isHost: boolean;
  onRemove(id: string): void;
  onClose(): void;
}

/** Everyone in the call; a host can remove anyone else. */
export function ParticipantsPanel({ self, others, isHost, onRemove, onClose }: ParticipantsPanelProps) {
  const everyone = [self, ...others];
  return (
    <SidePanel id="people" heading={`People (${everyone.length})`} onClose={onClose}>
      <ul class="people-list" aria-label="Participants">
        {everyone.map((p) => (
          <li key={p.id} class="person">
            <span class="person-name" id={`person-${p.id}`}>
              {p.name}
              {p.id === self.id && <span class="muted-text"> (you)</span>}
              {p.role === "host" && <span class="tag">Host</span>}
              {p.connected === false && <span class="muted-text"> · reconnecting</span>}
            </span>
            <span class="person-icons">
              {p.hand_raised && (
                <span role="img" aria-label="Hand raised">
                  ✋
                </span>
              )}
              <span
                role="img"
                aria-label={p.audio ? "Microphone on" : "Microphone off"}
                class={p.audio ? "icon" : "icon off"}
              >
                <MicIcon off={!p.audio} />
              </span>
            </span>
            {isHost && p.id !== self.id && (
              <PersonButton nameId={`person-${p.id}`} secondary onClick={() => onRemove(p.id)}>
                Remove
              </PersonButton>
            )}
          </li>
        ))}
      </ul>
    </SidePanel>
  );
}
