import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, type PublicCall } from "../api";
import { CallUnavailable } from "../components/join/CallUnavailable";
import { JoinPanel } from "../components/join/JoinPanel";
import { Loading } from "../components/Loading";

// Placeholder until the call screens land (issue 6 replaces this file): loads the call and shows the join page.

/** `/call/:link` and `/embed/:link`. */
export function Call({ link }: { link: string }) {
  const { path } = useLocation();
  const embedded = path.startsWith("/embed/");
  const call = useSignal<PublicCall | null>(null);
  const failure = useSignal<unknown>(null);
  const joined = useSignal(false);

  useEffect(() => {
    api.publicCall(link).then(
      (result) => {
        call.value = result.call;
        document.title = `${result.call.title} · VCME`;
      },
      (error: unknown) => {
        failure.value = error;
      },
    );
  }, [link, call, failure]);

  if (failure.value) return <CallUnavailable error={failure.value} embedded={embedded} />;
  if (!call.value) return <Loading text="Opening the call…" />;
  if (joined.value) return <p role="status">Joining…</p>;
  return (
    <JoinPanel
      link={link}
      call={call.value}
      isHost={false}
      embedded={embedded}
      onJoin={(choice) => {
        for (const track of choice.stream?.getTracks() ?? []) track.stop();
        joined.value = true;
      }}
    />
  );
}
