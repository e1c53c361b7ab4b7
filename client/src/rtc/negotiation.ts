// The decisions of the "perfect negotiation" pattern (W3C WebRTC §10.7), pulled out of the peer
// connection so unit tests can prove them: both sides may start a renegotiation at any time (ICE
// restart, a later track) and an offer collision never wedges the call.

/** Signaling states as strings, so this file needs no DOM types. */
export type SignalingState =
  | "stable"
  | "have-local-offer"
  | "have-remote-offer"
  | "have-local-pranswer"
  | "have-remote-pranswer"
  | "closed";

/**
 * Whether this side is the polite one towards `remoteId`. Exactly one side of every pair is polite: the
 * one with the greater participant id (ids are server-made and distinct).
 */
export function isPolite(selfId: string, remoteId: string): boolean {
  return selfId > remoteId;
}

/** An ICE candidate as it travels in `ice_candidate` frames (RTCIceCandidateInit). */
export interface CandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** An SDP description as it travels in `offer` and `answer` frames (RTCSessionDescriptionInit). */
export interface DescriptionInit {
  type: "offer" | "answer" | "pranswer" | "rollback";
  sdp?: string;
}

/** The ICE username fragment of a description: a new one means an ICE restart. */
export const ufragOf = (sdp: string | undefined): string | null =>
  /a=ice-ufrag:(\S+)/.exec(sdp ?? "")?.[1] ?? null;

/** What is known locally when a remote offer arrives. */
export interface OfferContext {
  polite: boolean;
  /** Our own `setLocalDescription()` for an offer is in flight. */
  makingOffer: boolean;
  signalingState: SignalingState;
  /** We are applying a remote answer right now (the state still says have-local-offer). */
  settingRemoteAnswer: boolean;
}

/** Offers crossed: we are making or holding an offer of our own. */
export function isOfferCollision(context: Omit<OfferContext, "polite">): boolean {
  const readyForOffer =
    !context.makingOffer && (context.signalingState === "stable" || context.settingRemoteAnswer);
  return !readyForOffer;
}

/**
 * What to do with a remote offer: the impolite side ignores a colliding offer (the other side will roll
 * back and answer ours); the polite side accepts it (`setRemoteDescription` rolls its own offer back).
 */
export function decideOnOffer(context: OfferContext): "accept" | "ignore" {
  return isOfferCollision(context) && !context.polite ? "ignore" : "accept";
}

/** After an ignored offer its candidates fail to apply; those errors are expected and are not shown. */
export function shouldReportCandidateError(ignoredOffer: boolean): boolean {
  return !ignoredOffer;
}

/** Connection states as strings, so this file needs no DOM types. */
export type ConnectionState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

/** How much longer the polite side waits before it restarts ICE itself. */
export const POLITE_RESTART_EXTRA_MS = 8_000;
/** A connection `disconnected` this long (impolite side) gets an ICE restart; `failed` gets one at once. */
export const DISCONNECTED_RESTART_MS = 4_000;

/**
 * When to restart ICE after the connection reached `state` (ms from now), or null for never. Only the
 * impolite side restarts at once: when both restart together their offers cross, and although perfect
 * negotiation settles that, Chromium was seen to freeze the picture after the polite side's rollback
 * (frames decoded, none shown, no key frame). The polite side restarts only if the other one did not.
 */
export function restartDelay(state: ConnectionState, polite: boolean): number | null {
  const extra = polite ? POLITE_RESTART_EXTRA_MS : 0;
  if (state === "failed") return extra;
  if (state === "disconnected") return DISCONNECTED_RESTART_MS + extra;
  return null;
}

/** What a connection knows when signaling with the other person works again. */
export interface ResumeContext {
  polite: boolean;
  /** The media path was down (disconnected, failed, not yet up) at some point while signaling was away. */
  interrupted: boolean;
  signalingState: SignalingState;
}

/**
 * Whether to restart ICE once signaling between a pair works again (our seat resumed, or theirs). The
 * room drops offers and candidates sent to a kept seat (docs/protocol.md), so a connection whose media path
 * went down meanwhile may have missed candidates, and the restart timers may have missed the outage
 * altogether: a path that came back by itself before its timer ran out keeps running on whatever pair
 * survived. Only the impolite side restarts (as above), and only from a stable state: an offer of its own
 * still waiting for its answer is sent again anyway.
 */
export function restartAfterResume(context: ResumeContext): boolean {
  return !context.polite && context.interrupted && context.signalingState === "stable";
}

/** Structurally an RTCIceServer's URLs. */
interface IceServerUrls {
  urls: string | string[];
}

/** Whether any of these servers is a TURN relay (a `turn:` or `turns:` URL). */
export function offersRelay(servers: readonly IceServerUrls[]): boolean {
  return servers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}

/**
 * What a person reads on the tile of someone whose connection failed. A connection that never worked
 * and had no relay to fall back on will not work by retrying: both networks block a direct path (say,
 * two symmetric NATs, or a firewall without UDP), and only a TURN relay can carry the call — which the
 * host (whoever runs this VCME) can configure. Anything else is retried.
 */
export function failureText(everConnected: boolean, relay: boolean): string {
  if (everConnected) return "Connection lost — trying again…";
  if (!relay)
    return "Can't connect: your network and theirs block a direct connection, and no TURN relay is configured. The host can configure a TURN relay (see the deployment guide).";
  return "Can't connect, not even through the TURN relay — trying again…";
}
