// --sig-proxy: signals the client receives are sent on to the container (POST /containers/{id}/kill), as docker's
// ForwardAllSignals does, so that Ctrl-C on a non-TTY `wharf run` stops the container rather than the client.

/**
 * PROXIED_SIGNALS are the signals forwarded. Go's client catches every signal; nobody can catch SIGKILL and SIGSTOP,
 * Node reserves SIGUSR1 for its inspector, SIGTTIN and SIGTTOU keep their job-control meaning, SIGCHLD, SIGPIPE
 * and SIGURG are not forwarded by docker either, and SIGWINCH is left to the TTY size monitor.
 */
export const PROXIED_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR2', 'SIGALRM', 'SIGTSTP', 'SIGCONT', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGXFSZ'] as const;

/** SignalSource is where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * forwardSignals sends each PROXIED_SIGNALS signal received from `source` to `kill` under docker's name for it
 * (`INT`, `TERM`, ...), one at a time and in order; failures are ignored as docker ignores them. It returns the
 * function that stops forwarding and restores the default handling.
 */
export function forwardSignals(kill: (signal: string) => Promise<void>, source: SignalSource = process): () => void {
  let chain: Promise<void> = Promise.resolve();
  const onSignal = (signal: NodeJS.Signals): void => {
    chain = chain.then(() => kill(signal.slice(3))).catch(() => undefined);
  };
  for (const s of PROXIED_SIGNALS) source.on(s, onSignal);
  return () => {
    for (const s of PROXIED_SIGNALS) source.off(s, onSignal);
  };
}
