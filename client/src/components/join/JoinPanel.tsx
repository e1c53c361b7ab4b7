import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { loginPath, type PublicCall, session } from "../../api";
import { DevicesModel } from "../../models/devices";
import { readGuestName, readMediaPrefs, writeGuestName, writeMediaPrefs } from "../../models/preferences";
import { Alert } from "../Alert";
import { CameraIcon, MicIcon } from "../call/icons";
import { joinProblemText } from "../device-problems";
import { Field } from "../Field";
import { Spinner } from "../Spinner";
import { DevicePicker } from "./DevicePicker";
import { MicMeter } from "./MicMeter";
import { Preview } from "./Preview";
import type { JoinChoice } from "./types";

export interface JoinPanelProps {
  /** The call's slug (the end of its join URL). */
  slug: string;
  call: PublicCall;
  isHost: boolean;
  embedded?: boolean;
  defaultName?: string;
  /** Presses the join button once as soon as the page shows (an embedding site asked for it). */
  autoJoin?: boolean;
  onJoin: (choice: JoinChoice) => void;
  busy?: boolean;
  error?: string;
}

/**
 * The join page's body: the call's title and host, your own preview with a microphone meter, device
 * pickers and toggles, a name for guests, and the join button. Camera and microphone trouble never
 * stops anyone from joining with what works.
 */
export function JoinPanel({
  slug,
  call,
  isHost,
  embedded = false,
  defaultName,
  autoJoin = false,
  onJoin,
  busy = false,
  error,
}: JoinPanelProps) {
  const devices = useMemo(() => new DevicesModel(), []);
  const handedOver = useSignal(false);
  const nameError = useSignal<string | null>(null);
  const signedIn = session.status.value === "signed_in";
  const user = session.user.value;
  const guest = !signedIn;
  const guestsBlocked = guest && !call.allow_guests;
  const secure = window.isSecureContext;

  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const prefs = readMediaPrefs(slug);
    void devices.open(prefs);
  }, [devices, slug]);

  // The same path as a click: a guest without a name is asked for one; devices join once started.
  useEffect(() => {
    if (autoJoin) form.current?.requestSubmit();
  }, [autoJoin]);

  useEffect(
    () => () => {
      // After joining, the call owns the stream (once any capture still starting is done); otherwise the
      // camera light must go out.
      if (handedOver.peek()) void devices.settled().then(() => devices.release());
      else devices.close();
      devices[Symbol.dispose]();
    },
    [devices, handedOver],
  );

  const audioOn = devices.audioOn.value;
  const videoOn = devices.videoOn.value;

  function toggleAudio() {
    const next = !audioOn;
    writeMediaPrefs(slug, { audio: next, video: videoOn });
    void devices.setAudio(next);
  }

  function toggleVideo() {
    const next = !videoOn;
    writeMediaPrefs(slug, { audio: audioOn, video: next });
    void devices.setVideo(next);
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy || guestsBlocked) return;
    let displayName: string | undefined;
    if (guest) {
      displayName = String(
        new FormData(event.currentTarget as HTMLFormElement).get("display_name") ?? "",
      ).trim();
      if (!displayName || displayName.length > 80) {
        nameError.value = displayName ? "Use at most 80 characters." : "Enter the name the others will see.";
        return;
      }
    }
    nameError.value = null;
    if (displayName) writeGuestName(displayName);
    handedOver.value = true;
    // What the toggles show is what the call gets: a camera still starting joins as soon as it is up.
    onJoin({
      displayName,
      // Read now, not at render: joining on load (autoJoin) comes before the toggles' first re-render.
      audio: devices.audioOn.peek(),
      video: devices.videoOn.peek(),
      stream: devices.stream.value,
      ...(devices.starting() ? { starting: devices.settled() } : {}),
      audioDeviceId: devices.audioDeviceId.value,
      videoDeviceId: devices.videoDeviceId.value,
    });
  }

  const here = `/${embedded ? "embed" : "call"}/${encodeURIComponent(slug)}`;
  const videoProblem = devices.videoProblem.value;
  const audioProblem = devices.audioProblem.value;

  return (
    <div class="stack">
      <header class="stack-sm">
        <h1>{call.title}</h1>
        <p class="muted">{isHost ? "You are the host of this call." : `Hosted by ${call.host.name}`}</p>
      </header>
      <div class="join">
        <div class="stack-sm">
          <Preview
            stream={devices.stream.value}
            videoOn={videoOn}
            offText={
              devices.busy.value
                ? "Starting your camera…"
                : !secure || videoProblem
                  ? "Camera not available"
                  : "Your camera is off"
            }
          >
            <DeviceToggle device="microphone" on={audioOn} disabled={!secure} onClick={toggleAudio}>
              <MicIcon off={!audioOn} />
            </DeviceToggle>
            <DeviceToggle device="camera" on={videoOn} disabled={!secure} onClick={toggleVideo}>
              <CameraIcon off={!videoOn} />
            </DeviceToggle>
          </Preview>
          <MicMeter level={devices.level} on={audioOn} />
        </div>
        <form class="card stack" ref={form} onSubmit={submit} noValidate aria-busy={busy}>
          {!secure && (
            <Alert kind="warning">
              <p>
                This page is not secure (its address does not start with https), so your browser won't share
                your camera or microphone. You can still join to see and hear the others.
              </p>
            </Alert>
          )}
          {secure && videoProblem && (
            <DeviceAlert
              text={joinProblemText[videoProblem]("camera")}
              retry={() => devices.setVideo(true)}
            />
          )}
          {secure && audioProblem && (
            <DeviceAlert
              text={joinProblemText[audioProblem]("microphone")}
              retry={() => devices.setAudio(true)}
            />
          )}
          <DevicePicker
            label="Choose camera"
            options={devices.cameras.value}
            value={devices.videoDeviceId.value}
            onPick={devices.pickCamera}
          />
          <DevicePicker
            label="Choose microphone"
            options={devices.microphones.value}
            value={devices.audioDeviceId.value}
            onPick={devices.pickMicrophone}
          />
          {guestsBlocked ? (
            <Alert kind="warning">
              <p>This call is only for people with a VCME account.</p>
              <p>
                <a
                  href={loginPath(here)}
                  target={embedded ? "_blank" : undefined}
                  rel={embedded ? "noopener" : undefined}
                >
                  Log in to join{embedded ? " (opens a new tab)" : ""}
                </a>
              </p>
            </Alert>
          ) : guest ? (
            <Field
              label="Your name"
              name="display_name"
              autocomplete="name"
              maxLength={80}
              defaultValue={defaultName ?? readGuestName()}
              required
              error={nameError.value}
              hint={embedded ? undefined : "Have an account? Log in so the host sees who you are."}
            />
          ) : (
            <p class="muted">Joining as {user?.name}</p>
          )}
          {error && <Alert kind="error">{error}</Alert>}
          {!guestsBlocked && (
            <button type="submit" class="btn wide" disabled={busy}>
              {busy && <Spinner />}
              {isHost ? "Join now" : "Ask to join"}
            </button>
          )}
          {guest && !guestsBlocked && !embedded && (
            <p class="small">
              <a href={loginPath(here)}>Log in</a> instead
            </p>
          )}
        </form>
      </div>
    </div>
  );
}

function DeviceAlert({ text, retry }: { text: string; retry: () => Promise<void> }) {
  return (
    <Alert kind="warning">
      <p>{text} You can still join without it.</p>
      <p>
        <button type="button" class="btn secondary small" onClick={() => void retry()}>
          Try again
        </button>
      </p>
    </Alert>
  );
}

/** The join page's Microphone and Camera toggles (named by their label, pressed while on). */
function DeviceToggle(props: {
  device: "microphone" | "camera";
  on: boolean;
  disabled: boolean;
  onClick(): void;
  children: ComponentChildren;
}) {
  const label = props.device === "microphone" ? "Microphone" : "Camera";
  return (
    <button
      type="button"
      class="btn toggle"
      aria-pressed={props.on}
      disabled={props.disabled}
      title={props.on ? `Turn the ${props.device} off` : `Turn the ${props.device} on`}
      onClick={props.onClick}
    >
      {props.children}
      {label}
    </button>
  );
}
