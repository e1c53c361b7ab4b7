import { describe, expect, it } from "vitest";
import { EMBED_SCRIPT, EMBED_SCRIPT_ETAG } from "../../src/embed/script.generated";

interface EmbedBuild {
  buildEmbedScript(): Promise<{ code: string; etag: string }>;
}

describe("embed.js as the Worker serves it", () => {
  it("is exactly what scripts/build-embed.ts makes of client/src/embed/sdk.ts (regenerate when this fails)", async () => {
    // A Node-only script: imported by a computed path, so the Workers-typed test tsconfig does not follow it.
    const path = "../../scripts/build-embed.ts";
    const build = (await import(/* @vite-ignore */ path)) as EmbedBuild;
    expect(await build.buildEmbedScript()).toEqual({ code: EMBED_SCRIPT, etag: EMBED_SCRIPT_ETAG });
  }, 30_000);

  it("stays a few KB with no dependencies", async () => {
    const gzip = new Blob([EMBED_SCRIPT]).stream().pipeThrough(new CompressionStream("gzip"));
    expect((await new Response(gzip).arrayBuffer()).byteLength).toBeLessThan(2_500);
    expect(EMBED_SCRIPT).not.toMatch(/\bimport\b|\brequire\(/);
  });
});
