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
