import type { ClientFrame, ServerEventType, ServerFrame, ServerFrameOf } from "../../../src/protocol/room";
import { type RoomEvent, step } from "../../../src/room/dispatch";
import {
  createRoomState,
  type Effect,
  type Identity,
  type OutboxRecord,
  type RoomState,
  type StepContext,
  type StepResult,
} from "../../../src/room/state";

export const CALL = {
  call_id: "0b0e7d4e-1f7a-4a43-9d1e-2d5d7a0c0001",
  call_link: "team-sync-abcdefghij",
  call_title: "Team sync",
  host_user_id: "host-user",
} as const;

/** Drives the pure room machine the way CallRoom does, recording everything it says and does. */
export class RoomHarness {
  state: RoomState = createRoomState();
  now = Date.UTC(2026, 0, 1, 12, 0, 0);
  capacity: number;
  /** As `StepContext.rateLimit`: undefined is the contract's limit, null none. */
  rateLimit: StepContext["rateLimit"];
  /** "in-place" drives the machine the way CallRoom does. */
  mode: "copy" | "in-place" = "copy";
  readonly inbox = new Map<string, ServerFrame[]>();
  readonly closed = new Map<string, number>();
  readonly records: OutboxRecord[] = [];
  last: StepResult | null = null;
  private seq = 0;

  constructor(capacity = 12) {
    this.capacity = capacity;
  }

  run(event: RoomEvent): StepResult {
    const result = step(
      this.state,
      event,
      {
        now: this.now,
        capacity: this.capacity,
        rateLimit: this.rateLimit,
        newId: (prefix) => `${prefix}_${++this.seq}`,
        newToken: () => `token-${++this.seq}`,
      },
      this.mode,
    );
    this.state = result.state;
    this.last = result;
    for (const { to, frame } of result.messages) {
      const list = this.inbox.get(to) ?? [];
      list.push(frame);
      this.inbox.set(to, list);
    }
    for (const effect of result.effects) this.effect(effect);
    return result;
  }

  private effect(effect: Effect): void {
    if (effect.type === "close") this.closed.set(effect.connectionId, effect.code);
    if (effect.type === "record") this.records.push(effect.record);
  }

  identity(name: string, role: "host" | "user" | "guest" = "user", sub?: string): Identity {
    const id =
      sub ?? (role === "host" ? CALL.host_user_id : role === "guest" ? `guest:${name}` : `user-${name}`);
    return { ...CALL, sub: id, name, guest: role === "guest" };
  }

  /** Opens a socket for `identity` and returns its connection id. */
  open(identity: Identity): string {
    const connectionId = `c_${++this.seq}`;
    this.run({ type: "open", connectionId, identity });
    return connectionId;
  }

  send(connectionId: string, frame: ClientFrame | string): StepResult {
    const data = typeof frame === "string" ? frame : JSON.stringify(frame);
    return this.run({ type: "frame", connectionId, data, bytes: new TextEncoder().encode(data).byteLength });
  }

  /** Opens a socket and joins; returns the connection id and the participant id the room gave. */
  join(name: string, role: "host" | "user" | "guest" = "user", payload: { resume_token?: string } = {}) {
    const connection = this.open(this.identity(name, role));
    this.send(connection, { event_type: "join_room", payload });
    const participantId = this.state.connections[connection]?.participantId ?? "";
    return { connection, participantId };
  }

  /** A host in the room plus `names` admitted by that host. */
  room(...names: string[]) {
    const host = this.join("Hana", "host");
    const people = names.map((name) => {
      const person = this.join(name);
      this.send(host.connection, {
        event_type: "accept_participant",
        payload: { participant_id: person.participantId },
      });
      return person;
    });
    return { host, people };
  }

  framesOf(connectionId: string): ServerFrame[] {
    return this.inbox.get(connectionId) ?? [];
  }

  /** Frames of one type a connection has received. */
  got<T extends ServerEventType>(connectionId: string, eventType: T): ServerFrameOf<T>[] {
    return this.framesOf(connectionId).filter((f): f is ServerFrameOf<T> => f.event_type === eventType);
  }

  lastOf<T extends ServerEventType>(connectionId: string, eventType: T): ServerFrameOf<T> | undefined {
    return this.got(connectionId, eventType).at(-1);
  }

  clear(): void {
    this.inbox.clear();
  }
}
