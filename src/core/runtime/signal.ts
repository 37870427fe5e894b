import { WharfError } from '../../common/errors.js';

const SIGRTMIN = 34;
const SIGRTMAX = 64;

// compat: moby/sys/signal's Linux SignalMap (names without the SIG prefix → numbers on x86-64 and arm64).
const NAMED: ReadonlyArray<readonly [string, number]> = [
  ['HUP', 1], ['INT', 2], ['QUIT', 3], ['ILL', 4], ['TRAP', 5], ['ABRT', 6], ['IOT', 6], ['BUS', 7], ['FPE', 8],
  ['KILL', 9], ['USR1', 10], ['SEGV', 11], ['USR2', 12], ['PIPE', 13], ['ALRM', 14], ['TERM', 15], ['STKFLT', 16],
  ['CHLD', 17], ['CLD', 17], ['CONT', 18], ['STOP', 19], ['TSTP', 20], ['TTIN', 21], ['TTOU', 22], ['URG', 23],
  ['XCPU', 24], ['XFSZ', 25], ['VTALRM', 26], ['PROF', 27], ['WINCH', 28], ['IO', 29], ['POLL', 29], ['PWR', 30],
  ['SYS', 31], ['RTMIN', SIGRTMIN], ['RTMAX', SIGRTMAX],
  ...Array.from({ length: 15 }, (_, i): [string, number] => [`RTMIN+${i + 1}`, SIGRTMIN + i + 1]),
  ...Array.from({ length: 14 }, (_, i): [string, number] => [`RTMAX-${i + 1}`, SIGRTMAX - i - 1]),
];

const BY_NAME = new Map<string, number>(NAMED);
// The first name listed for a number is its canonical one (IOT, CLD and POLL are aliases).
const BY_NUMBER = new Map<number, string>();
for (const [name, num] of NAMED) if (!BY_NUMBER.has(num)) BY_NUMBER.set(num, name);

/**
 * parseSignal turns a signal given the ways Docker accepts it ("SIGTERM", "TERM", "sigterm", "15", 15) into its
 * number, as moby's signal.ParseSignal followed by ValidSignalForPlatform does. InvalidArgument
 * (WHARF_INVALID_SIGNAL, Docker's wording "Invalid signal: X") for 0, a name Linux does not know, or a number
 * that is no Linux signal (32 and 33 belong to the C library, above 64 there are none).
 */
export function parseSignal(raw: string | number): number {
  const text = String(raw).trim();
  let num: number | undefined;
  if (/^[+-]?\d+$/.test(text)) {
    num = Number(text);
  } else {
    num = BY_NAME.get(text.toUpperCase().replace(/^SIG/, ''));
  }
  if (num === undefined || num === 0 || !BY_NUMBER.has(num)) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_SIGNAL', `Invalid signal: ${String(raw)}`);
  }
  return num;
}

/** signalName returns the canonical name of a Linux signal number with its SIG prefix ("SIGTERM"), or undefined. */
export function signalName(num: number): string | undefined {
  const name = BY_NUMBER.get(num);
  return name === undefined ? undefined : `SIG${name}`;
}

/** SIGKILL is the signal number that cannot be caught; kill(SIGKILL) is how a stop ends when the timeout passes. */
export const SIGKILL = 9;
/** SIGTERM is Docker's default stop signal. */
export const SIGTERM = 15;
