import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { CallModel } from "../models/call";
import { readMediaPrefs, writeGuestName, writeMediaPrefs } from "../models/preferences";
import { readFrameSettings } from "./messages";

/**
 * The embed page's link to its host page: the frame URL's name, microphone/camera choice and theme become
 * the join page's starting values (before it first renders), and the postMessage bridge is loaded — only
 * when embedded, so the normal call page never downloads it. Returns whether the host page asked to
 * knock at once (`autoJoin`), honoured only inside a frame of one of the call's allowed sites.
 */
export function useEmbedBridge(
  embedded: boolean,
  slug: string,
  model: ReadonlySignal<CallModel | null>,
): { autoJoin: boolean } {
  const [autoJoin] = useState(() => embedded && applyFrameDefaults(slug, location.search));
  useEffect(() => {
    if (!embedded) return;
    let stop: (() => void) | null = null;
    let gone = false;
    void import("./bridge").then(({ startBridge }) => {
      if (gone) return;
      stop = startBridge(slug, model, {
        parent: window.parent,
        self: window,
        search: location.search,
        allowedOrigins: allowedOrigins(),
        addEventListener: (type, listener) => window.addEventListener(type, listener),
        removeEventListener: (type, listener) => window.removeEventListener(type, listener),
      });
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [embedded, slug, model]);
  return { autoJoin };
}

/** The origins the call lets frame it: the Worker lists them in a meta tag (src/http/routes/embed.ts). */
function allowedOrigins(): string[] {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="vcme-embed-origins"]');
  return (meta?.content ?? "").split(" ").filter(Boolean);
}

/**
 * Stores the host page's starting values where the join page looks for remembered ones; true when it
 * asked to join at once and may: the page is in a frame (which the Worker's `frame-ancestors` lets only
 * the call's allowed sites make) and its URL names one of those sites, as commands need — a bare link
 * opened in a tab cannot make anyone knock unasked.
 */
function applyFrameDefaults(slug: string, search: string): boolean {
  const settings = readFrameSettings(search);
  if (!settings) return false;
  if (settings.theme) applyTheme(settings.theme);
  if (settings.displayName) writeGuestName(settings.displayName);
  if (settings.audio !== undefined || settings.video !== undefined) {
    const remembered = readMediaPrefs(slug);
    writeMediaPrefs(slug, {
      audio: settings.audio ?? remembered.audio,
      video: settings.video ?? remembered.video,
    });
  }
  return settings.autoJoin === true && window.parent !== window && allowedOrigins().includes(settings.origin);
}

/**
 * Forces light or dark whatever the system says: the stylesheets' `prefers-color-scheme: dark` blocks
 * are switched on or off (a framed page cannot change what that media query reports).
 */
function applyTheme(theme: "light" | "dark"): void {
  document.documentElement.style.colorScheme = theme;
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // another origin's sheet: not ours to change
    }
    for (const rule of Array.from(rules)) {
      if (rule instanceof CSSMediaRule && /prefers-color-scheme:\s*dark/.test(rule.conditionText)) {
        rule.media.mediaText = theme === "dark" ? "all" : "not all";
      }
    }
  }
}
