// `npx tsx scripts/client-size.ts`: how much JavaScript the client ships, gzip-compressed.
// Builds the client into a temporary folder with Vite's manifest, then adds up, for each screen, the
// entry chunk plus everything it imports statically plus the screen's own lazy chunk (and its static
// imports) — what a browser downloads before that screen can render. Fails when over budget.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));
const FIRST_SCREEN_BUDGET = 20 * 1024;
/** What a guest who opens a call link downloads before video. */
const CALL_PAGE_BUDGET = 40 * 1024;
const TOTAL_BUDGET = 50 * 1024;
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

export interface ClientSizes {
  /** gzip bytes before each screen can render. */
  screens: Record<string, number>;
  /** "/" — the screen the first-screen budget is about. */
  first: number;
  /** "/call/:link" — a guest's call page. */
  call: number;
  all: number;
  files: number;
}

/** Builds the client into a temporary folder and measures it (`npm run bench` uses the same numbers). */
export async function measureClientSizes(): Promise<ClientSizes> {
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
    const sum = (files: Iterable<string>) =>
      [...files].filter((file) => file.endsWith(".js")).reduce((total, file) => total + sizeOf(file), 0);
    const screens: Record<string, number> = {};
    for (const [route, key] of Object.entries(SCREENS)) screens[route] = sum(closure(key, new Set(entry)));
    const allJs = readdirSync(path.join(outDir, "assets")).filter((file) => file.endsWith(".js"));
    return {
      screens,
      first: screens["/"] ?? 0,
      call: screens["/call/:link"] ?? 0,
      all: sum(allJs.map((file) => `assets/${file}`)),
      files: allJs.length,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sizes = await measureClientSizes();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log("JavaScript before each screen can render (gzip -9):");
  for (const [route, size] of Object.entries(sizes.screens)) console.log(`  ${route.padEnd(14)} ${kb(size)}`);
  console.log(`first screen (/): ${kb(sizes.first)} of ${kb(FIRST_SCREEN_BUDGET)} budget`);
  console.log(`a guest's call page (/call/:link): ${kb(sizes.call)} of ${kb(CALL_PAGE_BUDGET)} budget`);
  console.log(`all client JavaScript (${sizes.files} files): ${kb(sizes.all)} of ${kb(TOTAL_BUDGET)} budget`);
  if (sizes.first > FIRST_SCREEN_BUDGET || sizes.call > CALL_PAGE_BUDGET || sizes.all > TOTAL_BUDGET) {
    console.error("over budget");
    process.exitCode = 1;
  }
}
