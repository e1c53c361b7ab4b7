import { Hono } from "hono";
import type { AppEnv } from "./context";
import { bodyLimit } from "./middleware/body-limit";
import { configCheck } from "./middleware/config-check";
import { cors } from "./middleware/cors";
import { database } from "./middleware/database";
import { onError, onNotFound } from "./middleware/errors";
import { securityHeaders } from "./middleware/security-headers";
import { auth } from "./routes/auth";
import { callLogs } from "./routes/call-logs";
import { calls } from "./routes/calls";
import { embed } from "./routes/embed";
import { health } from "./routes/health";
import { iceServers } from "./routes/ice-servers";
import { me } from "./routes/me";
import { roomSocket } from "./routes/room";

/** The Worker's HTTP surface: the REST API under /api and the built client for everything else. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);
  app.use("*", securityHeaders());
  app.use("/api/*", cors());
  // Before anything reads a body, a token or the database.
  app.use("/api/*", configCheck());
  app.use("/embed/*", configCheck());
  app.use("/api/*", bodyLimit());
  app.use("/api/*", database());
  app.route("/api/health", health);
  app.route("/api/calls", roomSocket);
  app.route("/api/auth", auth);
  app.route("/api/me", me);
  app.route("/api/calls", calls);
  app.route("/api/ice-servers", iceServers);
  app.route("/api/call-logs", callLogs);
  app.route("/", embed);
  return app;
}
