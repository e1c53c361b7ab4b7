// Rules for where browser engines differ (Safari above all), pure of DOM types so unit tests run them in
// node. Safari (iOS above all, macOS when a window is hidden) pauses every media element while the page is
// in the background and does not reliably start a MediaStream element again when the person comes back:
// the picture freezes and the remote voice stays silent although the connection is fine. Each remote
// video plays itself again whenever the page returns to the front.

/** The page (document): whether it is visible, and its visibility and pageshow events. */
export interface PageVisibility {
  readonly visibilityState: string;
  addEventListener(type: "visibilitychange" | "pageshow", listener: () => void): void;
  removeEventListener(type: "visibilitychange" | "pageshow", listener: () => void): void;
}

/** A media element, as far as playing it again goes. */
export interface Playable {
  readonly paused: boolean;
  readonly srcObject: unknown;
}

const RETURN_EVENTS = ["visibilitychange", "pageshow"] as const;

/**
 * Calls `play(media())` each time the page comes back to the front (visible again, or shown from the
 * back-forward cache) if the element has a stream and was paused. Returns the function that stops watching.
 */
export function replayOnReturn<T extends Playable>(
  page: PageVisibility,
  media: () => T | null,
  play: (element: T) => void,
): () => void {
  const onReturn = () => {
    const element = media();
    if (page.visibilityState === "visible" && element?.srcObject && element.paused) play(element);
  };
  for (const type of RETURN_EVENTS) page.addEventListener(type, onReturn);
  return () => {
    for (const type of RETURN_EVENTS) page.removeEventListener(type, onReturn);
  };
}

/** Enough of `navigator` to tell whether screen capture exists. */
interface NavigatorLike {
  mediaDevices?: { getDisplayMedia?: unknown };
}

/** Whether this browser can share a screen at all: iOS Safari and most phones have no getDisplayMedia. */
export function canShareScreen(
  nav: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator,
): boolean {
  return typeof nav?.mediaDevices?.getDisplayMedia === "function";
}
