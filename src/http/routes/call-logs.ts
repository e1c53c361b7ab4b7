import { Hono } from "hono";
import { listCallLogs } from "../../domain/call-logs";
import { pageQuerySchema } from "../../protocol/rest";
import { requireUser, type UserEnv } from "../middleware/auth";
import { queryOf } from "../middleware/validation";
import { pageOf } from "./calls";

/** `GET /api/call-logs`: the signed-in person's call history, newest first. */
export const callLogsRoutes = new Hono<UserEnv>().get("/", requireUser(), async (c) => {
  const { after, limit } = pageOf(queryOf(c, pageQuerySchema));
  const page = await listCallLogs(await c.var.db(), c.var.user.userId, after, limit);
  return c.json({ call_logs: page.callLogs, next_cursor: page.nextCursor });
});
