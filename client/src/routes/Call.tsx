import { effect, useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  ApiRequestError,
  api,
  callPath,
  callTickets,
  describeError,
  type PublicCall,
  session,
  type TicketedJoin,
} from "../api";
import { CallScreen } from "../components/call/CallScreen";
import { playKnock } from "../components/call/knock";
import { notifyKnock, pageTitle, settleKnocks } from "../components/call/knock-notice";
import { CallUnavailable } from "../components/join/CallUnavailable";
import { JoinPanel } from "../components/join/JoinPanel";
import type { JoinChoice } from "../components/join/types";
import { Loading } from "../components/Loading";
import { useEmbedBridge } from "../embed/use-embed-bridge";
import { type CallModel, createCallModel, FatalConnectError } from "../models/call";
import { type CallPhase, isFinal } from "../models/call-state";

/** `/call/:slug` and `/embed/:slug`: the join page, then the waiting room, the call and its last screen. */
export function Call({ slug }: { slug: string }) {
  const { path } = useLocation();
  const embedded = path.startsWith("/embed/");
  const call = useSignal<PublicCall | null>(null);
  const failure = useSignal<unknown>(null);
  const isHost = useSignal(false);
  const model = useSignal<CallModel | null>(null);
  const { autoJoin } = useEmbedBridge(embedded, slug, model);
  // The host page's "join at once" applies to the first join only (not after Cancel or Leave).
  const autoJoinLeft = useRef(autoJoin);
  const busy = useSignal(false);
  const joinError = useSignal<string | undefined>(undefined);
  const signedIn = session.status.value === "signed_in";
  const modelRef = useRef<CallModel | null>(null);
  modelRef.current = model.value;
  const tickets = useMemo(() => callTickets(slug), [slug]);

  useEffect(() => {
    api.publicCall(slug).then(
      (result) => {
        call.value = result.call;
      },
      (error: unknown) => {
        failure.value = error;
      },
    );
  }, [slug, call, failure]);

  // The public call does not say who hosts it; a signed-in person's ticket does.
  useEffect(() => {
    if (!signedIn) {
      isHost.value = false;
      return;
    }
    tickets.prefetch().then(
      (host) => {
        isHost.value = host;
      },
      () => undefined,
    );
  }, [tickets, signedIn, isHost]);

  // Leaving the page leaves the call.
  useEffect(() => () => modelRef.current?.dispose(), []);

  // A host sees the knocks in the page title too, so they are noticed from another tab.
  useEffect(() => {
    const stop = effect(() => {
      const title = call.value?.title;
      if (title === undefined) return;
      const state = model.value?.state.value;
      const waiting = state?.self?.role === "host" && !isFinal(state.phase) ? state.waiting : [];
      document.title = pageTitle(title, waiting.length);
      settleKnocks(waiting);
    });
    return () => {
      stop();
      settleKnocks([]);
    };
  }, [call, model]);

  async function join(choice: JoinChoice) {
    autoJoinLeft.current = false;
    busy.value = true;
    joinError.value = undefined;
    let ticketed: TicketedJoin;
    try {
      ticketed = await tickets.join(choice.displayName ?? "");
    } catch (error) {
      joinError.value = describeError(error);
      busy.value = false;
      return;
    }
    isHost.value = ticketed.isHost;
    model.value = createCallModel({
      stream: choice.stream,
      audio: choice.audio,
      video: choice.video,
      ...(choice.starting ? { starting: choice.starting } : {}),
      onKnock(person) {
        playKnock();
        notifyKnock(person, call.peek()?.title ?? "");
      },
      async connectUrl() {
        try {
          return await ticketed.connectUrl();
        } catch (error) {
          // Retrying cannot help when the call is gone or this person may no longer join.
          if (
            error instanceof ApiRequestError &&
            error.status >= 400 &&
            error.status < 500 &&
            error.status !== 429
          ) {
            throw new FatalConnectError(describeError(error));
          }
          throw error;
        }
      },
      iceServers: () => ticketed.iceServers(),
    });
    busy.value = false;
  }

  function reset() {
    model.value?.dispose();
    model.value = null;
  }

  if (failure.value) return <CallUnavailable error={failure.value} embedded={embedded} />;
  if (!call.value) return <Loading text="Opening the call…" />;
  const current = model.value;
  if (!current) {
    return (
      <JoinPanel
        slug={slug}
        call={call.value}
        isHost={isHost.value}
        embedded={embedded}
        defaultName={session.user.value?.name}
        autoJoin={autoJoinLeft.current}
        onJoin={(choice) => void join(choice)}
        busy={busy.value}
        error={joinError.value}
      />
    );
  }
  const state = current.state.value;
  if (state.phase === "in-call") {
    return (
      <CallScreen model={current} title={call.value.title} joinUrl={`${location.origin}${callPath(slug)}`} />
    );
  }
  if (state.phase === "joining" || state.phase === "waiting") {
    return (
      <section class="call-wait stack">
        <h1>{call.value.title}</h1>
        <p role="status" class="wait-text">
          {state.phase === "waiting"
            ? `Waiting for the host to let you in… ${call.value.host.name} will see that you asked to join.`
            : state.signaling === "reconnecting"
              ? "Reconnecting…"
              : "Joining…"}
        </p>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={reset}>
            Cancel
          </button>
        </div>
      </section>
    );
  }
  return <CallOver phase={state.phase} notice={state.notice} embedded={embedded} onRejoin={reset} />;
}

const overText: Record<Exclude<CallPhase, "joining" | "waiting" | "in-call">, string> = {
  left: "You left the call.",
  ended: "The call has ended.",
  declined: "The host declined your request to join.",
  removed: "The host removed you from the call.",
  failed: "The connection to the call was lost.",
};

function CallOver(props: {
  phase: Exclude<CallPhase, "joining" | "waiting" | "in-call">;
  notice: string | null;
  embedded: boolean;
  onRejoin(): void;
}) {
  const headline = props.phase === "failed" && props.notice ? props.notice : overText[props.phase];
  return (
    <section class="call-over stack">
      <h1>
        {props.phase === "left" ? "You left" : props.phase === "ended" ? "Call ended" : "Not in the call"}
      </h1>
      <p role={props.phase === "failed" ? "alert" : "status"}>
        {headline}
        {props.phase !== "failed" && props.notice ? ` ${props.notice}` : ""}
      </p>
      <div class="actions">
        {(props.phase === "left" || props.phase === "failed") && (
          <button type="button" class="btn" onClick={props.onRejoin}>
            Rejoin
          </button>
        )}
        {!props.embedded && (
          <a class="btn secondary" href="/">
            Back home
          </a>
        )}
      </div>
    </section>
  );
}
