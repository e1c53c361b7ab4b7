// Serves docs/embed-example.html on its own loopback port: a "third-party site" for trying embedding
// locally. `npm run dev` starts it on 127.0.0.1:8788 (EMBED_EXAMPLE_PORT); the browser tests use it too.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const PAGE = fileURLToPath(new URL("../docs/embed-example.html", import.meta.url));

export interface EmbedExample {
  /** The example site's origin, to add to a call's allowed sites. */
  url: string;
  close(): Promise<void>;
}

/** Starts the example site on 127.0.0.1:`port`, embedding calls from the VCME at `appUrl`. */
export async function serveEmbedExample(port: number, appUrl: string): Promise<EmbedExample> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method !== "GET" || path !== "/") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    // Read on every request, so edits to the page show on reload.
    readFile(PAGE, "utf8").then(
      (html) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        response.end(html.replaceAll("__VCME_ORIGIN__", appUrl));
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
