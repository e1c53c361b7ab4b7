// The peer mesh of one call: one PeerLink per remote person, the spare connection prepared while knocking,
// the ICE servers every connection uses, and the camera cap that follows the mesh's size. It knows nothing
// of frames or phases: the call model tells it who is there.
import { type ReadonlySignal, signal } from "@preact/signals";
import { videoLimitFor } from "../rtc/bitrate";
import type { ClientFrame } from "../rtc/frames";
import { FALLBACK_ICE_SERVERS, IceServerSource, type IceServersAnswer } from "../rtc/ice";
import { type LocalTracks, PeerLink, type Slot } from "../rtc/PeerLink";
import type { Scope } from "./scope";

const STATS_EVERY_MS = 2_000;
const ICE_WAIT_MS = 3_000;

export interface PeerMeshDeps {
  scope: Scope;
  iceServers(): Promise<IceServersAnswer>;
  /** Our own tracks as they are now, and the stream our tile shows. */
  tracks(): LocalTracks;
  stream: MediaStream;
  send(frame: ClientFrame): boolean;
  /** A remote person's connection was closed. */
  onRemoved(remoteId: string): void;
}

export interface PeerMesh {
  readonly peers: ReadonlySignal<ReadonlyMap<string, PeerLink>>;
  /** Whether the ICE servers came (or the short wait for them is over). */
  readonly iceSettled: boolean;
  /** Settles when `iceSettled` becomes true. */
  readonly iceReady: Promise<void>;
  /**
   * The connection to `remoteId`, created if there is none (by adopting the spare when we offer).
   * `offerSentTo`: who the room gave the offer made while knocking. Null once the mesh is closed.
   */
  connectionTo(selfId: string, remoteId: string, initiator: boolean, offerSentTo?: string): PeerLink | null;
  get(remoteId: string): PeerLink | undefined;
  remove(remoteId: string): void;
  removeAll(): void;
  /** Builds the spare and makes its offer ahead, once the ICE servers are settled (while knocking). */
  prepareSpare(selfId: string, stillWanted: () => boolean): void;
  /** A spare nobody adopted (admitted to an empty call, or leaving) is closed. */
  dropSpare(): void;
  /** Our own track in `slot` changed: every connection sends the new one. */
  setTrack(slot: Slot, track: MediaStreamTrack | null): void;
  /** Our signaling socket dropped or came back. */
  signalingLost(): void;
  signalingBack(): void;
}

export function createPeerMesh(deps: PeerMeshDeps): PeerMesh {
  const { scope } = deps;
  const peers = signal<ReadonlyMap<string, PeerLink>>(new Map());
  /**
   * While knocking, the connection for the first person of the call is built and its offer made ahead
   * (nobody is told until admitted): admission then sends the offer at once instead of starting it.
   */
  let spare: PeerLink | null = null;
  const ice = new IceServerSource(deps.iceServers, (servers) => {
    for (const peer of peers.peek().values()) peer.setIceServers(servers);
    spare?.setIceServers(servers);
  });
  // Connections wait for the servers at most briefly; the fallback (STUN) starts them meanwhile.
  let iceSettled = false;
  const iceReady = Promise.race([
    ice.load(),
    new Promise((resolve) => setTimeout(resolve, ICE_WAIT_MS)),
  ]).then(() => {
    iceSettled = true;
  });

  const build = (selfId: string, remoteId: string | null, initiator: boolean) =>
    new PeerLink({
      selfId,
      remoteId,
      initiator,
      iceServers: ice.servers.length > 0 ? ice.servers : FALLBACK_ICE_SERVERS,
      tracks: deps.tracks,
      stream: deps.stream,
      send: deps.send,
    });

  const replace = (next: Map<string, PeerLink>) => {
    peers.value = next;
    // Every connection's camera cap follows the size of the mesh.
    const limit = videoLimitFor(next.size);
    for (const peer of next.values()) void peer.limitVideo(limit);
  };

  const mesh: PeerMesh = {
    peers,
    get iceSettled() {
      return iceSettled;
    },
    iceReady,
    connectionTo(selfId, remoteId, initiator, offerSentTo) {
      const existing = peers.peek().get(remoteId);
      if (existing) return existing;
      if (scope.disposed) return null;
      let created: PeerLink;
      if (initiator && spare) {
        created = spare;
        spare = null;
        created.adopt(selfId, remoteId, offerSentTo === remoteId);
      } else created = build(selfId, remoteId, initiator);
      replace(new Map(peers.peek()).set(remoteId, created));
      return created;
    },
    get: (remoteId) => peers.peek().get(remoteId),
    remove(remoteId) {
      const existing = peers.peek().get(remoteId);
      if (!existing) return;
      existing.close();
      deps.onRemoved(remoteId);
      const next = new Map(peers.peek());
      next.delete(remoteId);
      replace(next);
    },
    removeAll() {
      for (const id of [...peers.peek().keys()]) mesh.remove(id);
    },
    prepareSpare(selfId, stillWanted) {
      void iceReady.then(() => {
        if (!spare && !scope.disposed && stillWanted()) spare = build(selfId, null, true);
      });
    },
    dropSpare() {
      spare?.close();
      spare = null;
    },
    setTrack(slot, track) {
      for (const peer of peers.peek().values()) void peer.setTrack(slot, track);
      void spare?.setTrack(slot, track);
    },
    signalingLost() {
      for (const peer of peers.peek().values()) peer.signalingLost();
    },
    signalingBack() {
      for (const peer of peers.peek().values()) peer.signalingBack();
    },
  };

  scope.repeat(() => {
    for (const peer of peers.peek().values()) void peer.sample();
  }, STATS_EVERY_MS);
  scope.onDispose(() => {
    mesh.removeAll();
    mesh.dropSpare();
    ice.stop();
  });
  return mesh;
}
