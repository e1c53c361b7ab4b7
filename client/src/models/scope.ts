// What a model started (timers, listeners, connections), disposed in one place. Once disposed, nothing new
// starts: a timer asked for afterwards never runs, a listener is never added.

type Listenable = Partial<Pick<EventTarget, "addEventListener" | "removeEventListener">>;

export interface Scope {
  readonly disposed: boolean;
  /** Runs `run` once after `ms`, unless the scope is disposed first. */
  later(run: () => void, ms: number): void;
  /** Runs `run` every `ms` until the scope is disposed. */
  repeat(run: () => void, ms: number): void;
  /** Listens to `type` on `target` until the scope is disposed (nothing where it has no events). */
  listen(target: Listenable | undefined, type: string, listener: () => void): void;
  /** Runs `cleanup` when the scope is disposed (at once if it already is). */
  onDispose(cleanup: () => void): void;
  dispose(): void;
}

export function createScope(): Scope {
  let disposed = false;
  const cleanups: (() => void)[] = [];
  const onDispose = (cleanup: () => void) => {
    if (disposed) cleanup();
    else cleanups.push(cleanup);
  };
  return {
    get disposed() {
      return disposed;
    },
    later(run, ms) {
      if (disposed) return;
      const timer = setTimeout(run, ms);
      onDispose(() => clearTimeout(timer));
    },
    repeat(run, ms) {
      if (disposed) return;
      const timer = setInterval(run, ms);
      onDispose(() => clearInterval(timer));
    },
    listen(target, type, listener) {
      // Node (unit tests) has no window events: nothing to listen to there.
      if (disposed || !target?.addEventListener) return;
      target.addEventListener(type, listener);
      onDispose(() => target.removeEventListener?.(type, listener));
    },
    onDispose,
    dispose() {
      if (disposed) return;
      disposed = true;
      // Last started, first stopped: what was built on something goes before it.
      for (const cleanup of cleanups.splice(0).reverse()) cleanup();
    },
  };
}
