import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Builds the client into client/dist, which wrangler serves as the Worker's static assets.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // No polyfill for <link rel="modulepreload">: only Safari before 17 and Firefox before 115 lack it,
    // and they merely fetch the shared chunk when the entry imports it instead of a little earlier.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // What two or more chunks use (Preact, signals, the router, the api, small shared components)
        // travels in one shared chunk instead of a dozen tiny ones: fewer requests before any screen, and
        // gzip compresses one bigger file better than many small ones.
        codeSplitting: { groups: [{ name: "shared", minShareCount: 2 }] },
      },
    },
  },
});
