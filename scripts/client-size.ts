// `npx tsx scripts/client-size.ts`: how much JavaScript the client ships, gzip-compressed.
// Builds the client into a temporary folder with Vite's manifest, then adds up, for each screen, the
// entry chunk plus everything it imports statically plus the screen's own lazy chunk (and its static
// imports) — what a browser downloads before that screen can render. Fails when over budget.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const FIRST_SCREEN_BUDGET = 30 * 1024;
const TOTAL_BUDGET = 45 * 1024;
/** Screens a person can land on first; "/" is the one the budget is about. */
const SCREENS: Record<string, string> = {
  "/": "src/routes/Home.tsx",
  "/login": "src/routes/Login.tsx",
  "/signup": "src/routes/Signup.tsx",
  "/call/:link": "src/routes/Call.tsx",
  "/logs": "src/routes/History.tsx",
  "/settings": "src/routes/Settings.tsx",
};

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const outDir = mkdtempSync(path.join(tmpdir(), "vcme-size-"));
try {
  await build({
    configFile: path.join(root, "client/vite.config.ts"),
    logLevel: "silent",
    build: { outDir, emptyOutDir: true, manifest: "manifest.json" },
  });
  const manifest = JSON.parse(readFileSync(path.join(outDir, "manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const gzipped = new Map<string, number>();
  const sizeOf = (file: string) => {
    let size = gzipped.get(file);
    if (size === undefined) {
      size = gzipSync(readFileSync(path.join(outDir, file)), { level: 9 }).length;
      gzipped.set(file, size);
    }
    return size;
  };
  const closure = (key: string, into = new Set<string>()) => {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) return into;
    into.add(chunk.file);
    for (const imported of chunk.imports ?? []) closure(imported, into);
    return into;
  };
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error("no entry chunk in the Vite manifest");
  const entry = closure(entryKey);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const sum = (files: Iterable<string>) =>
    [...files].filter((file) => file.endsWith(".js")).reduce((total, file) => total + sizeOf(file), 0);

  console.log("JavaScript before each screen can render (gzip -9):");
  const screens: Record<string, number> = {};
  for (const [route, key] of Object.entries(SCREENS)) {
    const files = closure(key, new Set(entry));
    screens[route] = sum(files);
    console.log(`  ${route.padEnd(14)} ${kb(screens[route] ?? 0)}`);
  }
  const allJs = readdirSync(path.join(outDir, "assets")).filter((file) => file.endsWith(".js"));
  const total = sum(allJs.map((file) => `assets/${file}`));
  const firstScreen = screens["/"] ?? 0;
  console.log(`first screen (/): ${kb(firstScreen)} of ${kb(FIRST_SCREEN_BUDGET)} budget`);
  console.log(`all client JavaScript (${allJs.length} files): ${kb(total)} of ${kb(TOTAL_BUDGET)} budget`);
  if (firstScreen > FIRST_SCREEN_BUDGET || total > TOTAL_BUDGET) {
    console.error("over budget");
    process.exitCode = 1;
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
