// A knock is noticed when the host is in another tab or window: the page title counts who is waiting and,
// once the host allowed it (a click on "Notify me of knocks"), a system notification names who knocks.
import { signal } from "@preact/signals";
import type { Participant } from "../../rtc/frames";

/** Notifications work on this page: the browser has them and the call is not inside another site's frame. */
function supported(): boolean {
  return typeof Notification !== "undefined" && typeof window !== "undefined" && window.parent === window;
}

/** Whether knocks may raise system notifications; "unsupported" hides the control that asks. */
export const knockAlerts = signal<NotificationPermission | "unsupported">(
  supported() ? Notification.permission : "unsupported",
);

/** Asks the browser for permission; must run inside a click (browsers ignore it otherwise). */
export async function allowKnockAlerts(): Promise<void> {
  if (!supported()) return;
  try {
    knockAlerts.value = await Notification.requestPermission();
  } catch {
    knockAlerts.value = Notification.permission;
  }
}

const shown = new Map<string, Notification>();

/**
 * A system notification for a new knock, when allowed and the call is not in front of the host; a
 * click brings the call's tab and window forward.
 */
export function notifyKnock(person: Participant, callTitle: string): void {
  if (!supported() || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  try {
    const notification = new Notification(`${person.name} wants to join`, {
      body: `${callTitle}: open the call to admit or decline.`,
      tag: `vcme-knock-${person.id}`,
    });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    shown.set(person.id, notification);
  } catch {
    // Some browsers (Chrome on Android) only notify from a service worker: the title and chime remain.
  }
}

/** Closes the notifications of people no longer waiting (admitted, declined, gone). */
export function settleKnocks(waiting: readonly Participant[]): void {
  for (const [id, notification] of shown) {
    if (waiting.some((p) => p.id === id)) continue;
    notification.close();
    shown.delete(id);
  }
}

/** The page title: how many wait to join, then the call's title ("(2) waiting · Weekly sync"). */
export function pageTitle(callTitle: string, waiting: number): string {
  return waiting > 0 ? `(${waiting}) waiting · ${callTitle}` : `${callTitle} · VCME`;
}
