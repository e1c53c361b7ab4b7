import { Hono } from "hono";
import type { AppEnv } from "./context";
import { database } from "./middleware/database";
import { onError, onNotFound } from "./middleware/errors";
import { health } from "./routes/health";
import { roomSocket } from "./routes/room";

/** The Worker's HTTP surface: the REST API under /api and the built client for everything else. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);
  app.use("/api/*", database());
  app.route("/api/health", health);
  app.route("/api/calls", roomSocket);
  return app;
}
