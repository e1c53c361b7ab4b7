import { Hono } from "hono";
import type { AppEnv } from "./context";
import { bodyLimit } from "./middleware/body-limit";
import { configCheck } from "./middleware/config-check";
import { cors } from "./middleware/cors";
import { database } from "./middleware/database";
import { onError, onNotFound } from "./middleware/errors";
import { securityHeaders } from "./middleware/security-headers";
import { authRoutes } from "./routes/auth";
import { callLogsRoutes } from "./routes/call-logs";
import { callsRoutes } from "./routes/calls";
import { embedRoutes } from "./routes/embed";
import { healthRoutes } from "./routes/health";
import { iceServersRoutes } from "./routes/ice-servers";
import { meRoutes } from "./routes/me";
import { roomSocketRoutes } from "./routes/room";

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
  app.route("/api/health", healthRoutes);
  app.route("/api/calls", roomSocketRoutes);
  app.route("/api/auth", authRoutes);
  app.route("/api/me", meRoutes);
  app.route("/api/calls", callsRoutes);
  app.route("/api/ice-servers", iceServersRoutes);
  app.route("/api/call-logs", callLogsRoutes);
  app.route("/", embedRoutes);
  return app;
}
