import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** One call's room. Placeholder until the room issue: accepts sockets (hibernation API) and echoes. */
export class CallRoom extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    ws.send(message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    ws.close(code === 1005 ? 1000 : code);
  }

  /** Ends a live session because the call was deleted (called by `DELETE /api/calls/:link`). */
  async terminate(_reason: "call_deleted"): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) ws.close(4004, "call deleted");
  }
}
