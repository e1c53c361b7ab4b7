// Collects items for a short window and hands them over in one go: local ICE candidates arrive in
// bursts of 5–20 within a few milliseconds, and one `ice_candidate` frame per burst saves room messages
// (the room allows 50 frames per second per socket). Pure: timers are injected for unit tests.

/** The timer functions a batcher uses; `globalThis` ones by default. */
export interface BatchTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** A batcher: `push` items, they are flushed together `delayMs` after the first one of a batch. */
export interface Batcher<T> {
  push(item: T): void;
  /** Flushes what is pending now (e.g. before an ICE restart or when closing). */
  flush(): void;
  /** Drops what is pending without flushing. */
  cancel(): void;
  readonly pending: number;
}

const defaultTimers: BatchTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Creates a batcher that calls `onFlush` with every item pushed within `delayMs` of the batch's first. */
export function createBatcher<T>(
  delayMs: number,
  onFlush: (items: T[]) => void,
  timers: BatchTimers = defaultTimers,
): Batcher<T> {
  let items: T[] = [];
  let handle: unknown = null;
  const flush = () => {
    if (handle !== null) timers.clear(handle);
    handle = null;
    if (items.length === 0) return;
    const batch = items;
    items = [];
    onFlush(batch);
  };
  return {
    push(item) {
      items.push(item);
      if (handle === null) handle = timers.set(flush, delayMs);
    },
    flush,
    cancel() {
      if (handle !== null) timers.clear(handle);
      handle = null;
      items = [];
    },
    get pending() {
      return items.length;
    },
  };
}
