import { spawn } from 'node:child_process';
import { WharfError } from '../../common/errors.js';
import type { RuntimeState, RuntimeStatus } from '../../core/runtime/container-runtime.js';
import { runcError, runcMessage } from './runc-error.js';

/** RuncOptions locate runc and wharf's private state directory for it. */
export interface RuncOptions {
  /** The runc binary; default /usr/sbin/runc. */
  readonly path?: string;
  /** runc's --root: wharf's containers live here, apart from other engines' (e.g. <exec-root>/runc). */
  readonly root: string;
  /** More global flags (before the command), e.g. ['--systemd-cgroup']. */
  readonly globalArgs?: readonly string[];
  /** Per-command time limit; default 30 s. */
  readonly timeoutMs?: number;
}

const STATUSES: readonly RuntimeStatus[] = ['created', 'running', 'paused', 'stopped'];
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Runc runs runc commands for wharf's containers (`runc --root <root> --log-format json <cmd> ...`) and maps
 * their failures to WharfErrors (runcError). Commands that create processes (create, exec) go through conmon
 * instead; see os/conmon.
 */
export class Runc {
  readonly path: string;
  readonly root: string;
  readonly #global: readonly string[];
  readonly #timeoutMs: number;

  constructor(opts: RuncOptions) {
    this.path = opts.path ?? '/usr/sbin/runc';
    this.root = opts.root;
    this.#global = opts.globalArgs ?? [];
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** globalArgs are the flags every runc command of wharf starts with (also handed to conmon as --runtime-arg). */
  globalArgs(): string[] {
    return ['--root', this.root, '--log-format', 'json', ...this.#global];
  }

  /** run executes `runc <global> <args>` and returns its stdout; a failure becomes runcError(op, id, ...). */
  run(op: string, id: string, args: readonly string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.path, [...this.globalArgs(), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
      timer.unref();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (b: Buffer): void => {
        size += b.length;
        if (size <= MAX_OUTPUT) into.push(b);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new WharfError('Internal', 'WHARF_RUNTIME_FAILED', `runc ${op} ${id}: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString();
        if (code === 0) resolve(Buffer.concat(out).toString());
        else reject(runcError(op, id, runcMessage(stderr) || `exited with ${code ?? signal}`));
      });
      child.stdin.on('error', () => undefined); // runc may exit before reading its input
      child.stdin.end(input ?? '');
    });
  }

  /** state returns runc's status and pid for `id`, or undefined when runc does not know it. */
  async state(id: string): Promise<RuntimeState | undefined> {
    let out: string;
    try {
      out = await this.run('state', id, ['state', id]);
    } catch (err) {
      if ((err as WharfError).code === 'WHARF_NO_SUCH_RUNTIME_CONTAINER') return undefined;
      throw err;
    }
    return parseRuncState(out, id);
  }

  /** list returns the IDs runc knows under this root. */
  async list(): Promise<string[]> {
    const out = await this.run('list', '', ['list', '--format', 'json']);
    const parsed: unknown = JSON.parse(out.trim() === '' ? 'null' : out);
    if (parsed === null) return [];
    if (!Array.isArray(parsed)) throw new WharfError('Internal', 'WHARF_RUNTIME_FAILED', 'runc list: output is not a JSON array');
    return parsed.map((c: unknown) => String((c as { id?: unknown }).id));
  }
}

/** parseRuncState reads `runc state` output (the OCI state JSON) into a RuntimeState. */
export function parseRuncState(out: string, id: string): RuntimeState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_RUNTIME_FAILED', `runc state ${id}: output is not JSON`, { cause: err });
  }
  const { status, pid } = (parsed ?? {}) as { status?: unknown; pid?: unknown };
  if (typeof status !== 'string' || !STATUSES.includes(status as RuntimeStatus) || typeof pid !== 'number') {
    throw new WharfError('Internal', 'WHARF_RUNTIME_FAILED', `runc state ${id}: unexpected state ${JSON.stringify(parsed)}`);
  }
  return { status: status as RuntimeStatus, pid };
}
