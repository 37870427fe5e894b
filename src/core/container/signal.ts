import { invalidConfig } from './wire-reader.js';

// Linux signal numbers (x86-64, arm64, and every architecture Debian ships except mips/alpha/sparc), as moby's
// vendored github.com/moby/sys/signal SignalMap lists them. Real-time signals run 34 (RTMIN) to 64 (RTMAX).
const SIGRTMIN = 34;
const SIGRTMAX = 64;

const NAMED: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19, TSTP: 20,
  TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29,
  PWR: 30, SYS: 31,
};

/** SIGNAL_NAMES maps every signal name Docker accepts (without the SIG prefix) to its number. */
export const SIGNAL_NAMES: Readonly<Record<string, number>> = Object.freeze({
  ...NAMED,
  RTMIN: SIGRTMIN,
  ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`RTMIN+${i + 1}`, SIGRTMIN + i + 1])),
  ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`RTMAX-${14 - i}`, SIGRTMAX - 14 + i])),
  RTMAX: SIGRTMAX,
});

/** Signal is a parsed signal: its number and a canonical name ("SIGTERM", "SIGRTMIN+3", or "SIG<n>" if unnamed). */
export interface Signal {
  readonly number: number;
  readonly name: string;
}

/** DEFAULT_STOP_SIGNAL is the signal `docker stop` sends when neither the container nor the image names one. */
export const DEFAULT_STOP_SIGNAL: Signal = { number: 15, name: 'SIGTERM' };

/**
 * parseSignal reads a signal as Docker does (moby/sys/signal ParseSignal): a decimal number, or a name with or
 * without the "SIG" prefix in any case ("TERM", "sigkill", "SIGRTMIN+3"). Unknown names, 0, and numbers outside
 * 1..64 are InvalidArgument with Docker's "invalid signal: x".
 */
export function parseSignal(raw: string): Signal {
  const fail = (): never => {
    throw invalidConfig(`invalid signal: ${raw}`);
  };
  if (/^[+-]?\d+$/.test(raw)) {
    // compat: Go's Atoi accepts any integer here; numbers the kernel cannot deliver are refused up front.
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > SIGRTMAX) fail();
    return { number: n, name: signalName(n) };
  }
  const key = raw.toUpperCase().replace(/^SIG/, '');
  const n = SIGNAL_NAMES[key];
  if (n === undefined) return fail();
  return { number: n, name: `SIG${key === 'IOT' ? 'ABRT' : key === 'CLD' ? 'CHLD' : key === 'POLL' ? 'IO' : key}` };
}

/** signalName gives the canonical "SIGNAME" of a signal number, or "SIG<n>" for one without a name. */
export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNAL_NAMES)) {
    if (num === n && name !== 'IOT' && name !== 'CLD' && name !== 'POLL') return `SIG${name}`;
  }
  return `SIG${n}`;
}

/**
 * stopSignalOf picks the signal `docker stop` sends: the container's StopSignal, else the image's STOPSIGNAL,
 * else SIGTERM. compat: like Docker's Container.StopSignal, a value that does not parse (only an image's can get
 * this far, the container's was validated at create) falls back to SIGTERM rather than failing the stop.
 */
export function stopSignalOf(containerSignal: string | undefined, imageSignal: string | undefined): Signal {
  const raw = containerSignal || imageSignal;
  if (!raw) return DEFAULT_STOP_SIGNAL;
  try {
    return parseSignal(raw);
  } catch {
    return DEFAULT_STOP_SIGNAL;
  }
}
