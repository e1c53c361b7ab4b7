import type { Participant } from "../../rtc/frames";
import { PersonButton } from "./SidePanel";

interface LobbyPanelProps {
  waiting: Participant[];
  onAdmit(id: string): void;
  onDecline(id: string): void;
}

/** For hosts: who is knocking, with Admit and Decline. */
export function LobbyPanel({ waiting, onAdmit, onDecline }: LobbyPanelProps) {
  if (waiting.length === 0) return null;
  return (
    <section class="lobby" aria-labelledby="lobby-heading">
      <h2 id="lobby-heading">
        {waiting.length === 1 ? "Someone wants to join" : `${waiting.length} people want to join`}
      </h2>
      <ul class="lobby-list" aria-label="Waiting room">
        {waiting.map((p) => (
          <li key={p.id} class="person">
            <span class="person-name" id={`waiting-${p.id}`}>
              {p.name}
              {p.guest && <span class="muted-text"> (guest)</span>}
            </span>
            <PersonButton nameId={`waiting-${p.id}`} onClick={() => onAdmit(p.id)}>
              Admit
            </PersonButton>
            <PersonButton nameId={`waiting-${p.id}`} secondary onClick={() => onDecline(p.id)}>
              Decline
            </PersonButton>
          </li>
        ))}
      </ul>
    </section>
  );
}
