// embed.js: the script a site owner loads to put a VCME call in their page. Built by
// scripts/build-embed.ts into src/embed/script.generated.ts, which the Worker serves as /embed/v1.js
// and /embed.js. No dependencies, nothing global but `window.VCME`.
import {
  type CommandMessage,
  type EmbedCommand,
  type EmbedEventName,
  type EmbedEvents,
  frameQuery,
  MESSAGE_VERSION,
  parseEvent,
} from "./messages";

export interface FrameOptions {
  /** The call's link (the slug at the end of its join URL), or its full join/embed URL. */
  link: string;
  /** Prefills the guest's name on the join page. */
  displayName?: string;
  /** Whether the microphone starts on (default: on, or what this person chose last time). */
  audio?: boolean;
  /** Whether the camera starts on. */
  video?: boolean;
  /** Light or dark; default: the visitor's system setting. */
  theme?: "light" | "dark";
  /**
   * Knock (or, for the host, join) as soon as the call has loaded, without the join page's button; a
   * guest also needs a name (`displayName`, or one they gave before), else the join page asks for it.
   */
  autoJoin?: boolean;
}

type Listener<K extends EmbedEventName> = (data: EmbedEvents[K]) => void;

export interface VcmeFrame {
  /** The iframe, already in the container. */
  iframe: HTMLIFrameElement;
  toggleAudio(): void;
  toggleVideo(): void;
  toggleScreenShare(): void;
  /** Leaves the call (the frame stays, showing "You left the call" with a Rejoin button). */
  leave(): void;
  /** Leaves and removes the iframe; the object does nothing afterwards. */
  destroy(): void;
  /** Calls `fn` with the event's data each time the call reports `name`; returns a function that stops it. */
  on<K extends EmbedEventName>(name: K, fn: Listener<K>): () => void;
}

/** What the iframe may use: the call needs the camera, microphone and screen; the rest is comfort. */
export const FRAME_ALLOW = "camera; microphone; display-capture; autoplay; fullscreen; clipboard-write";

/** The slug from a slug, a path or a URL like https://vcme.example/call/weekly-sync-abcdefghjk. */
function slugOf(link: string): string {
  const trimmed = link
    .trim()
    .replace(/[?#].*$/, "")
    .replace(/\/+$/, "");
  return decodeURIComponent(trimmed.slice(trimmed.lastIndexOf("/") + 1));
}

/** Where this script was loaded from: the VCME the call lives on. */
function scriptOrigin(): string {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return new URL(current.src).origin;
  const found = document.querySelector<HTMLScriptElement>('script[src*="/embed"][src$=".js"]');
  return new URL(found?.src ?? location.href).origin;
}

function install(appOrigin: string) {
  function createFrame(container: HTMLElement, options: FrameOptions): VcmeFrame {
    if (!(container instanceof HTMLElement))
      throw new TypeError("VCME.createFrame: container must be an element");
    const link = slugOf(String(options?.link ?? ""));
    if (!link) throw new TypeError("VCME.createFrame: options.link is required");
    const query = frameQuery({
      origin: location.origin,
      ...(options.displayName ? { displayName: String(options.displayName) } : {}),
      ...(options.audio !== undefined ? { audio: Boolean(options.audio) } : {}),
      ...(options.video !== undefined ? { video: Boolean(options.video) } : {}),
      ...(options.theme === "light" || options.theme === "dark" ? { theme: options.theme } : {}),
      ...(options.autoJoin === true ? { autoJoin: true } : {}),
    });
    const iframe = document.createElement("iframe");
    iframe.src = `${appOrigin}/embed/${encodeURIComponent(link)}?${query}`;
    iframe.allow = FRAME_ALLOW;
    iframe.title = "Video call";
    iframe.style.cssText = "border:0;width:100%;height:100%;display:block;";

    const listeners = new Map<EmbedEventName, Set<(data: never) => void>>();
    let destroyed = false;

    function onMessage(event: MessageEvent) {
      // Only the call in this very iframe, from the VCME origin, may speak to us.
      if (event.source !== iframe.contentWindow || event.origin !== appOrigin) return;
      const message = parseEvent(event.data);
      if (!message) return;
      for (const fn of listeners.get(message.event) ?? []) {
        try {
          (fn as (data: unknown) => void)(message.data);
        } catch (error) {
          // One broken listener must not silence the others.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
    window.addEventListener("message", onMessage);

    function send(command: EmbedCommand) {
      if (destroyed) return;
      const message: CommandMessage = { vcme: MESSAGE_VERSION, type: "command", command };
      iframe.contentWindow?.postMessage(message, appOrigin);
    }

    container.appendChild(iframe);
    return {
      iframe,
      toggleAudio: () => send("toggle-audio"),
      toggleVideo: () => send("toggle-video"),
      toggleScreenShare: () => send("toggle-screen-share"),
      leave: () => send("leave"),
      destroy() {
        if (destroyed) return;
        send("leave");
        destroyed = true;
        window.removeEventListener("message", onMessage);
        listeners.clear();
        iframe.remove();
      },
      on(name, fn) {
        if (destroyed) return () => undefined;
        const set = listeners.get(name) ?? new Set();
        set.add(fn as (data: never) => void);
        listeners.set(name, set);
        return () => set.delete(fn as (data: never) => void);
      },
    };
  }
  return { version: MESSAGE_VERSION, createFrame };
}

// Loading the script twice keeps the first copy (and its frames' listeners).
const host = window as Window & { VCME?: ReturnType<typeof install> };
host.VCME ??= install(scriptOrigin());
