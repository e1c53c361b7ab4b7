// Applies the SQL migrations in drizzle/ with the same driver the Worker uses (Neon serverless), either
// straight to Neon or through the local bridge (`DB_WS_PROXY`). Usage: `npm run db:migrate`.
import { fileURLToPath, pathToFileURL } from "node:url";
import { Client, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { WebSocket } from "ws";

const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Points the Neon driver (in Node) at a local bridge, or at Neon itself when `proxy` is empty. */
export function configureNeonForNode(proxy: string | undefined): void {
  neonConfig.webSocketConstructor = WebSocket;
  if (proxy) {
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

/** Applies every migration not yet applied. */
export async function runMigrations(databaseUrl: string, proxy?: string): Promise<void> {
  configureNeonForNode(proxy);
  const client = new Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set (for the embedded database, just run `npm run dev`).");
    process.exit(1);
  }
  runMigrations(url, process.env.DB_WS_PROXY)
    .then(() => console.log("migrations applied"))
    .catch((error: unknown) => {
      console.error("migration failed:", error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
