import type { Writable } from 'node:stream';
import { WharfError } from '../../../common/errors.js';
import { formatError } from '../../run-cli.js';

/** PARALLEL_LIMIT is how many containers docker's CLI works on at once (parallelOperation's defaultParallel). */
export const PARALLEL_LIMIT = 50;

/** ParallelOptions tune forEachContainer. */
export interface ParallelOptions {
  /** Work on one container at a time (docker's restart, wait and update do). */
  readonly sequential?: boolean;
  /** An error this returns true for is printed to stderr and does not fail the command (rm -f of a missing container). */
  readonly tolerate?: (err: unknown) => boolean;
  /** What to print for a success; the name as given by default. */
  readonly line?: (name: string, result: unknown) => string;
}

/**
 * forEachContainer is docker's parallelOperation loop: run `op` for every name (at most 50 at once), print each
 * success on stdout in argument order as results arrive, and fail at the end with all errors joined, one per line
 * (docker's errors.Join), exit status 1.
 */
export async function forEachContainer(
  names: readonly string[],
  out: { stdout: Writable; stderr: Writable },
  op: (name: string) => Promise<unknown>,
  opts: ParallelOptions = {},
): Promise<void> {
  type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
  const resolvers: ((o: Outcome) => void)[] = [];
  // One promise per name, settled by the workers, awaited in argument order by the printing loop below: results
  // appear in order while later containers are still being worked on.
  const outcomes = names.map(() => new Promise<Outcome>((resolve) => resolvers.push(resolve)));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i] ?? '';
      const outcome: Outcome = await Promise.resolve()
        .then(() => op(name))
        .then(
          (value) => ({ ok: true, value }),
          (err: unknown) => ({ ok: false, err }),
        );
      resolvers[i]?.(outcome);
    }
  };
  const workers = Math.min(opts.sequential ? 1 : PARALLEL_LIMIT, names.length);
  for (let w = 0; w < workers; w++) void worker();
  const errors: unknown[] = [];
  for (const [i, p] of outcomes.entries()) {
    const r = await p;
    const name = names[i] ?? '';
    if (r.ok) out.stdout.write(`${opts.line ? opts.line(name, r.value) : name}\n`);
    else if (opts.tolerate?.(r.err)) out.stderr.write(`${formatError(r.err)}\n`);
    else errors.push(r.err);
  }
  if (errors.length > 0) throw joinedError(errors);
}

/** joinedError is docker's errors.Join of per-container errors: each printed as docker prints it, one per line. */
export function joinedError(errors: readonly unknown[]): WharfError {
  return new WharfError('Internal', 'WHARF_CONTAINER_OPERATION_FAILED', errors.map(formatError).join('\n'));
}
