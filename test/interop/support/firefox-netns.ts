// Firefox in a network namespace of its own (test/e2e/support/netns.ts). Chromium is driven over a pipe,
// which crosses namespaces; Firefox serves WebDriver BiDi on a TCP port of its own loopback only, so the
// test reaches it through a UNIX socket: ns-connect.ts inside the namespace, a relay on the same port of
// this side's 127.0.0.1 (the same host:port, as Firefox checks the Host header).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createProfile, Browser as ProfileBrowser } from "@puppeteer/browsers";
import puppeteer, { type Browser } from "puppeteer-core";
import { freePort } from "../../../scripts/local-db.ts";
import type { CuttableNetwork } from "../../e2e/support/netns";
import { FIREFOX_PREFS } from "./engines";

const connectScript = fileURLToPath(new URL("./ns-connect.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Waits until `child` prints `text` on one of its outputs. */
function printed(child: ChildProcess, text: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer) => {
      if (chunk.toString().includes(text)) resolve();
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code})`)));
    child.once("error", reject);
  });
}

/**
 * Starts headless Firefox in `network`'s namespace (made with `cuttableNetwork(origin, FIREFOX_PATH)`)
 * and connects to it. Closing the returned browser stops Firefox, the bridge and their files.
 */
export async function launchFirefoxIn(network: CuttableNetwork): Promise<Browser> {
  const dir = mkdtempSync(path.join(tmpdir(), "vcme-ff-cut-"));
  const profile = path.join(dir, "profile");
  const socketPath = path.join(dir, "bidi.sock");
  const port = await freePort();
  const children: ChildProcess[] = [];
  let relay: net.Server | null = null;
  const stop = async () => {
    for (const child of children) {
      child.stdin?.end();
      child.kill();
    }
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await createProfile(ProfileBrowser.FIREFOX, {
      path: profile,
      preferences: { ...FIREFOX_PREFS, "fission.webContentIsolationStrategy": 0 },
    });
    const firefox = spawn(
      network.executablePath,
      ["--headless", "--no-remote", `--remote-debugging-port=${port}`, "--profile", profile, "about:blank"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(firefox);
    await printed(firefox, "WebDriver BiDi listening on", "Firefox");
    const bridge = spawn(
      "ip",
      [
        "netns",
        "exec",
        network.namespace,
        process.execPath,
        "--import",
        "tsx",
        connectScript,
        String(port),
        socketPath,
      ],
      { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
    );
    children.push(bridge);
    await printed(bridge, "listening", "the BiDi bridge");
    relay = net.createServer((client) => {
      const inner = net.connect(socketPath);
      const end = () => {
        client.destroy();
        inner.destroy();
      };
      for (const side of [client, inner]) {
        side.on("error", end);
        side.on("close", end);
      }
      client.pipe(inner);
      inner.pipe(client);
    });
    const server = relay;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const browser = await puppeteer.connect({
      browserWSEndpoint: `ws://127.0.0.1:${port}/session`,
      protocol: "webDriverBiDi",
    });
    const close = browser.close.bind(browser);
    browser.close = async () => {
      await close().catch(() => undefined);
      await stop();
    };
    return browser;
  } catch (error) {
    await stop();
    throw error;
  }
}
