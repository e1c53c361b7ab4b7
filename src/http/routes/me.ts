import { Hono } from "hono";
import { changePassword, findUser, toUser, updateUser } from "../../domain/accounts";
import { revokeOtherSessions } from "../../domain/sessions";
import { changePasswordBodySchema, updateMeBodySchema } from "../../protocol/rest";
import { ApiError } from "../errors";
import { requireUser, type UserEnv, unauthorized } from "../middleware/auth";
import { jsonBody } from "../middleware/validation";

/** `/api/me`: the signed-in person's own account. */
export const meRoutes = new Hono<UserEnv>()
  .use(requireUser())
  .get("/", async (c) => {
    const user = await findUser(await c.var.db(), c.var.user.userId);
    if (!user) throw unauthorized("This account no longer exists.");
    return c.json({ user: toUser(user) });
  })
  .patch("/", async (c) => {
    const body = await jsonBody(c, updateMeBodySchema);
    const user = await updateUser(await c.var.db(), c.var.user.userId, body);
    if (!user) throw unauthorized("This account no longer exists.");
    return c.json({ user: toUser(user) });
  })
  .post("/password", async (c) => {
    const body = await jsonBody(c, changePasswordBodySchema);
    const db = await c.var.db();
    const { userId, sessionFamily } = c.var.user;
    if (!(await changePassword(db, userId, body.current_password, body.new_password))) {
      // 403, not 401: the session is fine, only the password given is wrong.
      throw new ApiError(403, "forbidden", "The current password is not correct.");
    }
    await revokeOtherSessions(db, userId, sessionFamily);
    return c.body(null, 204);
  });
