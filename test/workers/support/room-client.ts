import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { issueTicket } from "../../../src/domain/tickets";
import type { ClientFrame, ServerEventType, ServerFrame, ServerFrameOf } from "../../../src/protocol/room";
import { serverFrameSchema } from "../../../src/protocol/room";
import type { TicketClaims } from "../../../src/protocol/ticket";

// Generous: the shared test machine can be heavily loaded.
const WAIT_MS = 10_000;

/** A unique call link and call id for one test, so tests never share a room or rows. */
export function newCall(title = "Team sync") {
  const id = crypto.randomUUID();
  return {
    id,
    link: `call-${id.slice(0, 8)}-${crypto.randomUUID().slice(0, 12)}`,
    title,
    hostUserId: crypto.randomUUID(),
  };
}
export type TestCall = ReturnType<typeof newCall>;

/** Claims for a person in `call`: the host, a signed-in participant, or a guest. */
export function claimsFor(
  call: TestCall,
  who: { name: string; sub?: string; guest?: boolean },
): TicketClaims {
  const guest = who.guest ?? false;
  return {
    sub: who.sub ?? (guest ? `guest:${crypto.randomUUID()}` : crypto.randomUUID()),
    name: who.name,
    guest,
    call_id: call.id,
    call_link: call.link,
    call_title: call.title,
    host_user_id: call.hostUserId,
  };
}

export function socketUrl(link: string, ticket: string): string {
  return `https://vcme.test/api/calls/${link}/ws?ticket=${encodeURIComponent(ticket)}`;
}

/** A real client socket through the Worker, recording every frame the room sends it. */
export class RoomClient {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  private cursor = 0;
  private wake: (() => void) | null = null;

  private constructor(
    readonly ws: WebSocket,
    readonly claims: TicketClaims,
  ) {
    ws.addEventListener("message", (event: MessageEvent) => {
      const parsed = serverFrameSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) throw new Error(`room sent a frame outside the protocol: ${String(event.data)}`);
      this.frames.push(parsed.data);
      this.wake?.();
    });
    ws.addEventListener("close", (event: CloseEvent) => {
      this.closed = { code: event.code, reason: event.reason };
      this.wake?.();
    });
  }

  /** Opens a socket for `claims` (a fresh ticket each time). */
  static async open(claims: TicketClaims): Promise<RoomClient> {
    const ticket = await issueTicket(env.JWT_SECRET, claims);
    const response = await exports.default.fetch(
      new Request(socketUrl(claims.call_link, ticket), { headers: { Upgrade: "websocket" } }),
    );
    const ws = response.webSocket;
    if (response.status !== 101 || !ws) throw new Error(`upgrade refused: ${response.status}`);
    ws.accept();
    return new RoomClient(ws, claims);
  }

  /** Opens a socket and sends `join_room`. */
  static async join(
    claims: TicketClaims,
    payload: Extract<ClientFrame, { event_type: "join_room" }>["payload"] = {},
  ) {
    const client = await RoomClient.open(claims);
    client.send({ event_type: "join_room", payload });
    return client;
  }

  send(frame: ClientFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | ArrayBuffer): void {
    this.ws.send(data);
  }

  /** The next frame of this type (skipping others); fails after a timeout. */
  async next<T extends ServerEventType>(
    eventType: T,
    where: (frame: ServerFrameOf<T>) => boolean = () => true,
  ): Promise<ServerFrameOf<T>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++] as ServerFrame;
        if (frame.event_type === eventType && where(frame as ServerFrameOf<T>))
          return frame as ServerFrameOf<T>;
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting for ${eventType}`);
      if (Date.now() > deadline) {
        throw new Error(`no ${eventType}; got ${this.frames.map((f) => f.event_type).join(", ")}`);
      }
      await this.tick();
    }
  }

  /** Resolves with the close code once the room closes this socket. */
  async closedWith(): Promise<number> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket still open");
      await this.tick();
    }
    return this.closed.code;
  }

  /** Every frame of a type received so far. */
  all<T extends ServerEventType>(eventType: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.event_type === eventType);
  }

  /**
   * Waits until the room has handled everything this socket sent: a ping that is not byte-exact is
   * answered by the room itself (not the runtime), in order, after the frames before it.
   */
  async settle(): Promise<void> {
    this.ws.send('{"event_type":"ping","payload":{ }}');
    await this.next("pong");
  }

  close(): void {
    try {
      this.ws.close(1000, "bye");
    } catch {
      // already closed
    }
  }

  private tick(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, 50);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** A person in a room: their socket, participant id and resume token. */
export interface Seat {
  client: RoomClient;
  id: string;
  token: string;
}

/** Hana hosting `call`, then each of `people` knocking and admitted by her, one after another. */
export async function admittedCall<const T extends readonly { name: string; guest?: boolean }[]>(
  call: TestCall,
  ...people: T
): Promise<{ host: Seat; people: { [K in keyof T]: Seat } }> {
  const hostClient = await RoomClient.join(claimsFor(call, { name: "Hana", sub: call.hostUserId }));
  const welcome = await hostClient.next("host_joined_room");
  const host: Seat = { client: hostClient, id: welcome.payload.self.id, token: welcome.payload.resume_token };
  const seats: Seat[] = [];
  for (const who of people) {
    const client = await RoomClient.join(claimsFor(call, who));
    const id = (await client.next("waiting_room")).payload.self.id;
    hostClient.send({ event_type: "accept_participant", payload: { participant_id: id } });
    const accepted = await client.next("accepted_into_room");
    seats.push({ client, id, token: accepted.payload.resume_token });
  }
  return { host, people: seats as { [K in keyof T]: Seat } };
}

/** The call's room object. */
export function roomStub(link: string) {
  return env.CALL_ROOM.getByName(link);
}

/** Moves the room's clock `ms` ahead of real time (so resume seats and outbox retries come due). */
export async function advanceRoomClock(link: string, ms: number): Promise<void> {
  await runInDurableObject(roomStub(link), (instance) => {
    (instance as unknown as { clock: () => number }).clock = () => Date.now() + ms;
  });
}

/** Runs the room's alarm now with its clock `ms` ahead of real time; true when an alarm was due. */
export async function runAlarmAhead(link: string, ms: number): Promise<boolean> {
  await advanceRoomClock(link, ms);
  return runDurableObjectAlarm(roomStub(link));
}

/** Rows waiting in the room's outbox. */
export async function outboxSize(link: string): Promise<number> {
  return runInDurableObject(
    roomStub(link),
    (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n,
  );
}
