import { Hono } from "hono";
import type { Db } from "../../db/client";
import { findUser } from "../../domain/accounts";
import {
  type CallRecord,
  createCall,
  deleteCall,
  findCall,
  listHostedCalls,
  toCall,
  toPublicCall,
  updateCall,
} from "../../domain/calls";
import { locationHintFor } from "../../domain/location";
import { DEFAULT_PAGE_SIZE, decodeCursor } from "../../domain/pagination";
import { createCallBodySchema, linkSchema, pageQuerySchema, updateCallBodySchema } from "../../protocol/rest";
import { ApiError } from "../errors";
import { requireUser, type UserEnv, unauthorized } from "../middleware/auth";
import { enforceRateLimit } from "../middleware/rate-limit";
import { jsonBody, paramOf, queryOf } from "../middleware/validation";
import { ticketRoutes } from "./tickets";

const ROOM_TERMINATE_TIMEOUT_MS = 3_000;

const originOf = (url: string) => new URL(url).origin;

/** The call at `link`, or 404. */
async function callOr404(db: Db, link: string | undefined): Promise<CallRecord> {
  const call = await findCall(db, paramOf(link, linkSchema, "call"));
  if (!call) throw new ApiError(404, "not_found", "There is no such call.");
  return call;
}

async function hostedBy(db: Db, link: string | undefined, userId: string): Promise<CallRecord> {
  const call = await callOr404(db, link);
  if (call.hostId !== userId) throw new ApiError(403, "forbidden", "Only the call's host may do that.");
  return call;
}

/** Parses `?cursor=&limit=`; a cursor that is not ours is a 422. */
export function pageOf(query: { cursor?: string | undefined; limit?: number | undefined }) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !after) {
    throw new ApiError(422, "validation_failed", "cursor: not a cursor from this list", {
      fields: { cursor: "not a cursor from this list" },
    });
  }
  return { after, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

/** `/api/calls`: create, list, look up, change and delete calls; tickets to join them. */
export const callsRoutes = new Hono<UserEnv>()
  .post("/", requireUser(), async (c) => {
    const body = await jsonBody(c, createCallBodySchema);
    // Counted once the body is valid: only a request that would write a call uses up the limit.
    await enforceRateLimit(c.env, "calls_account", c.var.user.userId);
    const db = await c.var.db();
    const host = await findUser(db, c.var.user.userId);
    if (!host) throw unauthorized("This account no longer exists.");
    const call = await createCall(
      db,
      host,
      {
        title: body.title,
        description: body.description,
        allowGuests: body.allow_guests,
        embedOrigins: body.embed_origins,
      },
      locationHintFor(c.req.raw.cf),
    );
    return c.json({ call: toCall(call, originOf(c.req.url)) }, 201);
  })
  .get("/", requireUser(), async (c) => {
    const { after, limit } = pageOf(queryOf(c, pageQuerySchema));
    const page = await listHostedCalls(await c.var.db(), c.var.user.userId, after, limit);
    const origin = originOf(c.req.url);
    return c.json({ calls: page.calls.map((call) => toCall(call, origin)), next_cursor: page.nextCursor });
  })
  .get("/:link", async (c) => {
    const call = await callOr404(await c.var.db(), c.req.param("link"));
    return c.json({ call: toPublicCall(call) });
  })
  .patch("/:link", requireUser(), async (c) => {
    const body = await jsonBody(c, updateCallBodySchema);
    const db = await c.var.db();
    const call = await hostedBy(db, c.req.param("link"), c.var.user.userId);
    const updated = await updateCall(db, call, {
      title: body.title,
      description: body.description,
      allowGuests: body.allow_guests,
      embedOrigins: body.embed_origins,
    });
    if (!updated) throw new ApiError(404, "not_found", "There is no such call.");
    return c.json({ call: toCall(updated, originOf(c.req.url)) });
  })
  .delete("/:link", requireUser(), async (c) => {
    const db = await c.var.db();
    const call = await hostedBy(db, c.req.param("link"), c.var.user.userId);
    await deleteCall(db, call.id);
    // The call is gone either way; a room that fails or hangs must not turn that into an error.
    try {
      await Promise.race([
        c.env.CALL_ROOM.getByName(call.link).terminate("call_deleted"),
        new Promise((resolve) => setTimeout(resolve, ROOM_TERMINATE_TIMEOUT_MS)),
      ]);
    } catch (error) {
      console.error(
        "could not end the deleted call's room",
        error instanceof Error ? error.message : String(error),
      );
    }
    return c.body(null, 204);
  })
  .route("/", ticketRoutes);
