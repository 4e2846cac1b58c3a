/**
 * Ctrl-C for a long measurement: SIGINT or SIGTERM aborts a signal instead of killing the process, so the run
 * (or duel) stops after the round in flight and keeps what it measured. Tests pass their own.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stop listening (the process's default handling comes back). */
  dispose(): void;
}

/** Listen for this process's SIGINT and SIGTERM (once each) until disposed. */
export function processInterrupt(): Interrupt {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
