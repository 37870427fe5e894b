import { invalidArgument } from '../../common/errors.js';

// compat: moby's Linux SignalMap (pkg/signal), keyed without the SIG prefix.
const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/**
 * checkStopSignal validates a STOPSIGNAL value as Docker's signal.ParseSignal does (a positive number, or a signal
 * name with or without SIG, any case) and returns it unchanged; InvalidArgument (WHARF_INVALID_CHANGE) otherwise.
 */
export function checkStopSignal(raw: string): string {
  const ok = /^\d+$/.test(raw) ? Number(raw) > 0 : SIGNALS.has(raw.toUpperCase().replace(/^SIG/, ''));
  if (!ok) throw invalidArgument('WHARF_INVALID_CHANGE', `Invalid signal: ${raw}`);
  return raw;
}
