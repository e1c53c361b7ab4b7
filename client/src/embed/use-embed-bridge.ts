import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { readMediaPrefs, writeGuestName, writeMediaPrefs } from "../components/join/media-prefs";
import type { CallModel } from "../models/call";
import { readFrameSettings } from "./messages";

/**
 * The embed page's link to its host page: the frame URL's name and microphone/camera choice become the
 * join page's starting values (before it first renders), and the postMessage bridge is loaded — only
 * when embedded, so the normal call page never downloads it.
 */
export function useEmbedBridge(
  embedded: boolean,
  link: string,
  model: ReadonlySignal<CallModel | null>,
): void {
  useState(() => {
    if (embedded) applyFrameDefaults(link, location.search);
  });
  useEffect(() => {
    if (!embedded) return;
    let stop: (() => void) | null = null;
    let gone = false;
    void import("./bridge").then(({ startBridge }) => {
      if (!gone) stop = startBridge(link, model);
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [embedded, link, model]);
}

/** Stores the host page's starting values where the join page looks for remembered ones. */
function applyFrameDefaults(link: string, search: string): void {
  const settings = readFrameSettings(search);
  if (!settings) return;
  if (settings.displayName) writeGuestName(settings.displayName);
  if (settings.audio !== undefined || settings.video !== undefined) {
    const remembered = readMediaPrefs(link);
    writeMediaPrefs(link, {
      audio: settings.audio ?? remembered.audio,
      video: settings.video ?? remembered.video,
    });
  }
}
