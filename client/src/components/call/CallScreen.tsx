import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { CallModel } from "../../models/call";
import { canShareScreen } from "../../rtc/engine-rules";
import { CopyButton } from "../CopyButton";
import { describeMediaProblems } from "../device-problems";
import { ChatPanel } from "./ChatPanel";
import { Controls } from "./Controls";
import { DevicesPanel } from "./DevicesPanel";
import { allowKnockAlerts, knockAlerts } from "./knock-notice";
import { LobbyPanel } from "./LobbyPanel";
import { gridColumns } from "./layout";
import { ParticipantsPanel } from "./ParticipantsPanel";
import { Tile } from "./Tile";
import { Video } from "./Video";
import "./call.css";

type Panel = "chat" | "people" | "devices";

/** The call itself: the stage of tiles (and a shared screen), the lobby for hosts, panels and controls. */
export function CallScreen({ model, title, joinUrl }: { model: CallModel; title: string; joinUrl: string }) {
  const state = model.state.value;
  const peers = model.peers.value;
  const self = state.self;
  const mediaProblem = describeMediaProblems(model.media.problems.value);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const stageRef = useRef<HTMLDivElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const [aspect, setAspect] = useState(16 / 9);
  const onBlocked = useCallback(() => {
    model.soundBlocked.value = true;
  }, [model]);

  const togglePanel = useCallback(
    (next: Panel) => {
      setPanel((current) => {
        const open = current === next ? null : next;
        model.setChatOpen(open === "chat");
        return open;
      });
    },
    [model],
  );

  // The safe choice gets the focus when the confirmation opens.
  useEffect(() => {
    if (confirmEnd) keepRef.current?.focus();
  }, [confirmEnd]);

  useLayoutEffect(() => {
    const stage = stageRef.current;
    if (!stage || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.height > 0)
        setAspect(entry.contentRect.width / entry.contentRect.height);
    });
    observer.observe(stage);
    return () => observer.disconnect();
  }, []);

  // Shortcuts work anywhere except while typing.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable]")) return;
      const key = event.key.toLowerCase();
      if (key === "m") void model.toggleMicrophone();
      else if (key === "v") void model.toggleCamera();
      else if (key === "h") model.toggleHand();
      else if (key === "c") togglePanel("chat");
      else if (key === "p") togglePanel("people");
      else if (key === "escape") {
        setPanel(null);
        setConfirmEnd(false);
      } else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [model, togglePanel]);

  if (!self) return null;
  const everyone = [self, ...state.participants];
  const sharing = everyone.filter((p) => p.screen);
  const presenter = sharing[0];
  const presenterStream =
    presenter === undefined
      ? null
      : presenter.id === self.id
        ? model.media.screenStream.value
        : (peers.get(presenter.id)?.screen ?? null);
  const presenterVersion = presenter ? (peers.get(presenter.id)?.tracksVersion.value ?? 0) : 0;
  const columns = presenter ? 1 : gridColumns(everyone.length, aspect);
  const isHost = self.role === "host";

  return (
    <div class={`call${panel ? " with-panel" : ""}`}>
      <header class="call-top">
        <h1 class="call-title">{title}</h1>
        {state.signaling === "reconnecting" && (
          <p class="call-banner warning" role="status">
            Reconnecting… your call continues meanwhile.
          </p>
        )}
        {state.error && (
          <p class="call-banner" role="alert">
            {state.error}
          </p>
        )}
        {mediaProblem && (
          <p class="call-banner" role="alert">
            {mediaProblem}
          </p>
        )}
        {isHost && knockAlerts.value === "default" && (
          <button
            type="button"
            class="btn small secondary knock-alerts"
            title="A system notification names whoever knocks while this tab is in the background"
            onClick={() => void allowKnockAlerts()}
          >
            Notify me of knocks
          </button>
        )}
        {model.soundBlocked.value && (
          <div class="call-banner info" role="status">
            <span>Your browser paused the sound.</span>
            <button
              type="button"
              class="btn small"
              onClick={() => {
                for (const video of document.querySelectorAll("video"))
                  void video.play().catch(() => undefined);
                model.soundBlocked.value = false;
              }}
            >
              Turn on sound
            </button>
          </div>
        )}
      </header>

      <div class={`stage${presenter ? " presenting" : ""}`} ref={stageRef}>
        {presenter && (
          <figure
            class="screen-share"
            aria-label={
              presenter.id === self.id ? "Your shared screen" : `Screen shared by ${presenter.name}`
            }
          >
            <Video stream={presenterStream} version={presenterVersion} muted fit="contain" />
            <figcaption>
              {presenter.id === self.id
                ? "You are sharing your screen"
                : `${presenter.name} is sharing their screen`}
            </figcaption>
          </figure>
        )}
        {state.participants.length === 0 && !presenter && (
          <div class="alone" role="status">
            <p>You're the only one here. Share the link to invite people:</p>
            <p class="alone-link">
              <span>{joinUrl}</span>
              <CopyButton text={joinUrl} class="btn small">
                Copy link
              </CopyButton>
            </p>
          </div>
        )}
        <div class="grid" style={{ "--cols": columns }} data-count={everyone.length}>
          {everyone.map((person) => {
            const peer = person.id === self.id ? undefined : peers.get(person.id);
            const mine = person.id === self.id;
            return (
              <Tile
                key={person.id}
                person={person}
                self={mine}
                stream={mine ? model.media.stream : (peer?.media ?? null)}
                version={mine ? model.media.version.value : 0}
                peer={peer}
                speaking={
                  mine ? () => model.selfSpeaking : peer && (() => model.speakingOf(person.id, peer.media))
                }
                reactions={state.reactions.filter((r) => r.senderId === person.id)}
                onBlocked={mine ? undefined : onBlocked}
              />
            );
          })}
        </div>
      </div>

      {isHost && <LobbyPanel waiting={state.waiting} onAdmit={model.admit} onDecline={model.decline} />}

      {panel === "chat" && (
        <ChatPanel messages={state.chat} onSend={model.sendChat} onClose={() => togglePanel("chat")} />
      )}
      {panel === "people" && (
        <ParticipantsPanel
          self={self}
          others={state.participants}
          isHost={isHost}
          onRemove={model.remove}
          onClose={() => togglePanel("people")}
        />
      )}
      {panel === "devices" && (
        <DevicesPanel
          audioTrack={model.media.audioTrack}
          cameraTrack={model.media.cameraTrack}
          onDevice={(kind, id) => void model.useDevice(kind, id)}
          onFlip={() => void model.flipCamera()}
          onClose={() => togglePanel("devices")}
        />
      )}

      {confirmEnd && (
        <div
          class="confirm"
          role="alertdialog"
          aria-modal="false"
          aria-labelledby="end-title"
          aria-describedby="end-text"
        >
          <h2 id="end-title">End the call for everyone?</h2>
          <p id="end-text">Everyone will be disconnected. People can join again with the same link.</p>
          <div class="actions">
            <button type="button" class="btn danger" onClick={() => model.endForEveryone()}>
              Confirm
            </button>
            <button type="button" class="btn secondary" ref={keepRef} onClick={() => setConfirmEnd(false)}>
              Keep talking
            </button>
          </div>
        </div>
      )}

      <Controls
        audio={model.media.audio.value}
        video={model.media.video.value}
        screen={model.media.screenStream.value !== null}
        canShare={canShareScreen()}
        hand={self.hand_raised}
        isHost={isHost}
        unread={state.unread}
        knocking={isHost ? state.waiting.length : 0}
        panel={panel}
        onMicrophone={() => void model.toggleMicrophone()}
        onCamera={() => void model.toggleCamera()}
        onScreen={() => void model.toggleScreen()}
        onHand={model.toggleHand}
        onEmoji={model.sendEmoji}
        onPanel={togglePanel}
        onLeave={model.leave}
        onEnd={() => setConfirmEnd(true)}
      />
    </div>
  );
}
