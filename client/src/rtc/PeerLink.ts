// One RTCPeerConnection to one remote person. Every connection carries three fixed slots in this order
// — microphone, camera, screen — created by the side that offers first, so the screen share and device
// changes are `replaceTrack` on an existing slot (no renegotiation, nothing to tell apart on the far
// side). Later renegotiations (ICE restart) follow the perfect negotiation pattern.
import { signal } from "@preact/signals";
import { MAX_CANDIDATES_PER_FRAME } from "../../../src/protocol/room-constants";
import { type Batcher, createBatcher } from "./batcher";
import { applyVideoLimit, type VideoLimit, withStartBitrate } from "./bitrate";
import type { ClientFrame } from "./frames";
import {
  type CandidateInit,
  type DescriptionInit,
  decideOnOffer,
  failureText,
  isPolite,
  offersRelay,
  restartAfterResume,
  restartDelay,
  shouldReportCandidateError,
  ufragOf,
} from "./negotiation";
import { type Quality, readSample, type StatsSample, summarize } from "./stats";

/** The three slots every connection carries, in m-line order. */
export const SLOTS = ["audio", "camera", "screen"] as const;
export type Slot = (typeof SLOTS)[number];

export type LocalTracks = Record<Slot, MediaStreamTrack | null>;

export interface PeerLinkOptions {
  selfId: string;
  /**
   * Null for a spare made while knocking: its offer and candidates are made ahead and held until
   * `adopt` names the person they are for, so the offer leaves the moment the knock is admitted.
   */
  remoteId: string | null;
  /** The newcomer offers first (docs/protocol.md); the others wait for its offer. */
  initiator: boolean;
  iceServers: RTCIceServer[];
  tracks(): LocalTracks;
  /** The local camera+microphone stream, so the far side's `ontrack` sees one stream. */
  stream: MediaStream;
  send(frame: ClientFrame): void;
}

/** Candidates gathered within this window travel in one `ice_candidate` frame. */
const CANDIDATE_BATCH_MS = 25;
/** An offer without an answer is sent again (the other side's socket may have been reconnecting). */
const OFFER_RESEND_MS = 6_000;
const OFFER_RESENDS = 5;

export class PeerLink {
  readonly pc: RTCPeerConnection;
  /** The remote microphone and camera. */
  readonly media = new MediaStream();
  /** The remote screen share. */
  readonly screen = new MediaStream();
  readonly connection = signal<RTCPeerConnectionState>("new");
  readonly quality = signal<Quality | null>(null);
  /** Why this person cannot be reached, in words; null while fine. */
  readonly problem = signal<string | null>(null);
  /** Bumped when remote tracks change, so views re-attach streams. */
  readonly tracksVersion = signal(0);

  readonly #options: PeerLinkOptions;
  #remote: string | null;
  #polite: boolean;
  /** A spare's offer and candidates, made before the remote person was known. */
  #heldOffer: DescriptionInit | null = null;
  #heldCandidates: CandidateInit[] = [];
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #attached = false;
  #closed = false;
  #pendingCandidates: CandidateInit[] = [];
  readonly #outgoing: Batcher<CandidateInit>;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #resendTimer: ReturnType<typeof setTimeout> | null = null;
  #resends = 0;
  /** Signaling with this person is down (either socket); `interrupted`: the media path went down meanwhile. */
  #signalingAway = false;
  #interrupted = false;
  #lastSample: StatsSample | null = null;
  #videoLimit: VideoLimit | null = null;
  /** Whether the media path ever worked, and whether the ICE servers include a TURN relay. */
  #everConnected = false;
  #relay: boolean;

  constructor(options: PeerLinkOptions) {
    this.#options = options;
    this.#remote = options.remoteId;
    this.#polite = this.#remote !== null && isPolite(options.selfId, this.#remote);
    this.#relay = offersRelay(options.iceServers);
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: "max-bundle" });
    this.#outgoing = createBatcher(CANDIDATE_BATCH_MS, (batch) => {
      if (this.#remote !== null) return this.#sendCandidates(this.#remote, batch);
      this.#heldCandidates.push(...batch);
      // The local description now lists these candidates too.
      this.#knock();
    });
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.#outgoing.push(candidate.toJSON());
      else this.#outgoing.flush();
    };
    this.pc.ontrack = ({ transceiver, track }) => this.#onTrack(transceiver, track);
    this.pc.onnegotiationneeded = () => void this.#makeOffer();
    this.pc.onconnectionstatechange = () => this.#onConnectionState();
    if (options.initiator) {
      const tracks = options.tracks();
      for (const slot of SLOTS) {
        const kind = slot === "audio" ? "audio" : "video";
        this.pc.addTransceiver(tracks[slot] ?? kind, { direction: "sendrecv", streams: [options.stream] });
      }
      this.#attached = true;
      // Offer now rather than on `negotiationneeded`, a task that waits behind the call screen's render.
      void this.#makeOffer();
    }
  }

  /**
   * A spare's person: the held offer and candidates go to them now — the offer unless the room already
   * gave them the one made while knocking (`delivered`). The candidates go either way: the knock offer the
   * room handed over may predate some of them, and a candidate given twice is harmless.
   */
  adopt(selfId: string, remoteId: string, delivered: boolean): void {
    if (this.#remote !== null || this.#closed) return;
    this.#remote = remoteId;
    this.#polite = isPolite(selfId, remoteId);
    if (this.#heldOffer && !delivered) this.#sendDescription("offer", this.#heldOffer);
    // All the candidates gathered while waiting travel together, within the room's per-frame limit.
    for (let i = 0; i < this.#heldCandidates.length; i += MAX_CANDIDATES_PER_FRAME)
      this.#sendCandidates(remoteId, this.#heldCandidates.slice(i, i + MAX_CANDIDATES_PER_FRAME));
    this.#heldOffer = null;
    this.#heldCandidates = [];
    if (this.pc.signalingState === "have-local-offer") {
      this.#resends = 0;
      this.#scheduleResend();
    }
  }

  /** A remote offer or answer. */
  async handleDescription(description: DescriptionInit): Promise<void> {
    if (this.#closed) return;
    try {
      if (description.type === "offer") {
        this.#ignoreOffer =
          decideOnOffer({
            polite: this.#polite,
            makingOffer: this.#makingOffer,
            signalingState: this.pc.signalingState,
            settingRemoteAnswer: this.#settingRemoteAnswer,
          }) === "ignore";
        if (this.#ignoreOffer) return;
      }
      this.#settingRemoteAnswer = description.type === "answer";
      // The other side restarting ICE on a connection that never worked: its attempt failed (ours may
      // take another round to say so), so this side tells its person now.
      const theirsFailed =
        description.type === "offer" &&
        !this.#everConnected &&
        this.pc.remoteDescription !== null &&
        ufragOf(description.sdp) !== ufragOf(this.pc.remoteDescription.sdp);
      await this.pc.setRemoteDescription({
        type: description.type,
        sdp: withStartBitrate(description.sdp, this.#videoLimit),
      });
      this.#settingRemoteAnswer = false;
      if (description.type === "answer") this.#stopResend();
      if (theirsFailed) this.problem.value = failureText(false, this.#relay);
      await this.#drainCandidates();
      if (description.type === "offer") {
        if (!this.#attached) await this.#attach();
        await this.pc.setLocalDescription();
        const answer = this.pc.localDescription;
        if (answer) this.#sendDescription("answer", answer);
      }
    } catch (error) {
      this.#settingRemoteAnswer = false;
      // A late answer to an offer already rolled back is harmless; anything else is worth showing.
      if (description.type === "offer") this.problem.value = "Could not set up the connection.";
      console.warn("vcme: description failed", error);
    }
  }

  /** Remote candidates: applied once the remote description is set, queued until then. */
  async handleCandidates(data: CandidateInit | CandidateInit[] | null): Promise<void> {
    if (this.#closed || data === null) return;
    const list = Array.isArray(data) ? data : [data];
    if (!this.pc.remoteDescription) {
      this.#pendingCandidates.push(...list);
      return;
    }
    for (const candidate of list) await this.#addCandidate(candidate);
  }

  /** Puts a new local track (or none) on a slot: device switch, camera flip, screen share. */
  async setTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    if (!this.#attached || this.#closed) return;
    const transceiver = this.pc.getTransceivers()[SLOTS.indexOf(slot)];
    if (transceiver) await transceiver.sender.replaceTrack(track).catch(() => undefined);
  }

  /** Caps the camera video sent on this connection (applied once negotiated, and again on reconnect). */
  async limitVideo(limit: VideoLimit): Promise<void> {
    this.#videoLimit = limit;
    await this.#applyVideoLimit();
  }

  /** New TURN credentials: used by the next ICE gathering (restart). */
  setIceServers(iceServers: RTCIceServer[]): void {
    if (this.#closed) return;
    this.#relay = offersRelay(iceServers);
    this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
  }

  /** Signaling with this person stopped (our socket or theirs dropped): watch the media path meanwhile. */
  signalingLost(): void {
    if (this.#closed) return;
    if (!this.#signalingAway) this.#interrupted = false;
    this.#signalingAway = true;
    if (this.pc.connectionState !== "connected") this.#interrupted = true;
  }

  /** Signaling with this person works again: renegotiate if the media path went down meanwhile. */
  signalingBack(): void {
    if (this.#closed || !this.#signalingAway) return;
    this.#signalingAway = false;
    const restart = restartAfterResume({
      polite: this.#polite,
      interrupted: this.#interrupted,
      signalingState: this.pc.signalingState,
    });
    this.#interrupted = false;
    if (!restart) return;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#restart();
  }

  /** Takes one `getStats()` sample and updates `quality`. */
  async sample(): Promise<void> {
    if (this.#closed) return;
    const report = await this.pc.getStats().catch(() => null);
    if (!report) return;
    const { sample, rttMs } = readSample(report.values() as Iterable<Record<string, unknown>>, Date.now());
    this.quality.value = summarize(this.#lastSample, sample, rttMs, this.quality.value?.history ?? []);
    this.#lastSample = sample;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outgoing.cancel();
    this.#stopResend();
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onnegotiationneeded = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.connection.value = "closed";
  }

  async #makeOffer(): Promise<void> {
    // An offer in the making covers what asked for it; the browser asks again once stable if not.
    if (this.#closed || this.#makingOffer) return;
    try {
      this.#makingOffer = true;
      await this.pc.setLocalDescription();
      const offer = this.pc.localDescription;
      if (offer?.type === "offer") {
        this.#sendDescription("offer", offer);
        this.#resends = 0;
        if (this.#remote !== null) this.#scheduleResend();
      }
    } catch (error) {
      console.warn("vcme: offer failed", error);
    } finally {
      this.#makingOffer = false;
    }
  }

  #scheduleResend(): void {
    this.#stopResend();
    this.#resendTimer = setTimeout(() => {
      const offer = this.pc.localDescription;
      if (this.#closed || this.pc.signalingState !== "have-local-offer" || offer?.type !== "offer") return;
      if (this.#resends >= OFFER_RESENDS) {
        this.problem.value = "No answer from this person's browser.";
        return;
      }
      this.#resends += 1;
      this.#sendDescription("offer", offer);
      this.#scheduleResend();
    }, OFFER_RESEND_MS);
  }

  #stopResend(): void {
    if (this.#resendTimer !== null) clearTimeout(this.#resendTimer);
    this.#resendTimer = null;
  }

  #sendDescription(kind: "offer" | "answer", description: DescriptionInit): void {
    const data = { type: description.type, sdp: description.sdp };
    if (this.#remote !== null)
      this.#options.send({ event_type: kind, payload: { target_id: this.#remote, data } });
    else {
      this.#heldOffer = data;
      this.#knock();
    }
  }

  /**
   * A spare's offer, with the candidates gathered so far, goes to the room as a `knock_offer` (an extension
   * of the protocol): the room tells nobody, and gives the latest one to the first person listed the moment the
   * knock is admitted. Sent as soon as it is made, and again as candidates come.
   */
  #knock(): void {
    const sdp = this.pc.localDescription?.sdp;
    if (sdp) this.#options.send({ event_type: "knock_offer", payload: { data: { type: "offer", sdp } } });
  }

  #sendCandidates(target: string, batch: CandidateInit[]): void {
    this.#options.send({ event_type: "ice_candidate", payload: { target_id: target, data: batch } });
  }

  /** The answering side puts its tracks on the slots the offer created. */
  async #attach(): Promise<void> {
    this.#attached = true;
    const tracks = this.#options.tracks();
    const transceivers = this.pc.getTransceivers();
    await Promise.all(
      SLOTS.map(async (slot, index) => {
        const transceiver = transceivers[index];
        if (!transceiver) return;
        transceiver.direction = "sendrecv";
        transceiver.sender.setStreams?.(this.#options.stream);
        await transceiver.sender.replaceTrack(tracks[slot]);
      }),
    );
  }

  async #drainCandidates(): Promise<void> {
    const pending = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of pending) await this.#addCandidate(candidate);
  }

  async #addCandidate(candidate: CandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (shouldReportCandidateError(this.#ignoreOffer)) console.warn("vcme: candidate refused", error);
    }
  }

  #onTrack(transceiver: RTCRtpTransceiver, track: MediaStreamTrack): void {
    const index = this.pc.getTransceivers().indexOf(transceiver);
    const target = index === SLOTS.indexOf("screen") ? this.screen : this.media;
    for (const old of target.getTracks())
      if (old.kind === track.kind && old !== track) target.removeTrack(old);
    if (!target.getTracks().includes(track)) target.addTrack(track);
    track.onunmute = () => {
      this.tracksVersion.value += 1;
    };
    this.tracksVersion.value += 1;
  }

  async #applyVideoLimit(): Promise<void> {
    const sender = this.pc.getTransceivers()[SLOTS.indexOf("camera")]?.sender;
    if (sender && this.#videoLimit && !this.#closed) await applyVideoLimit(sender, this.#videoLimit);
  }

  #onConnectionState(): void {
    const state = this.pc.connectionState;
    this.connection.value = state;
    if (this.#signalingAway && state !== "connected") this.#interrupted = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    if (state === "connected") {
      this.#everConnected = true;
      this.problem.value = null;
      void this.#applyVideoLimit();
    } else if (state === "failed") this.problem.value = failureText(this.#everConnected, this.#relay);
    const delay = restartDelay(state, this.#polite);
    if (delay !== null) this.#restartTimer = setTimeout(() => this.#restart(), delay);
  }

  #restart(): void {
    // Nothing negotiated yet (an answering connection built before the offer came): nothing to restart.
    if (this.#closed || !this.pc.remoteDescription) return;
    this.#outgoing.flush();
    // restartIce() fires negotiationneeded; perfect negotiation settles it should both sides restart.
    this.pc.restartIce();
  }
}
