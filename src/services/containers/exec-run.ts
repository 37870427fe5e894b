import { WharfError } from '../../common/errors.js';
import { resolveUser } from '../../core/container/user.js';
import type { ExecSession, TerminalSize } from '../../core/runtime/container-runtime.js';
import { classifyStartFailure } from '../../core/runtime/start-failure.js';
import { publishContainerEvent, type StreamDeps } from './attach-deps.js';
import type { ContainerRecord } from './container-record.js';
import { execProcessSpec, readBundleConfig, type BundleConfig } from './exec-process.js';
import type { ExecInstance } from './exec-store.js';

/** ExecRunDeps is what starting an exec process needs beyond StreamDeps. */
export interface ExecRunDeps extends StreamDeps {
  /** The daemon's capabilities, for `exec --privileged`. */
  readonly allCapabilities: readonly string[];
  /** Reads a container's config.json back (readBundleConfig by default; tests give canned ones). */
  readonly readBundle?: (record: ContainerRecord) => Promise<BundleConfig | undefined>;
}

/** ExecStartFailure is an exec whose process could not be started: Docker's message and recorded exit code. */
export class ExecStartFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, cause?: unknown) {
    super(message, { cause });
    this.name = 'ExecStartFailure';
    this.exitCode = exitCode;
  }
}

/** execAction is Docker's event action for an exec ("exec_create: ls -l"); compat: moby joins with a trailing space. */
export function execAction(verb: 'exec_create' | 'exec_start', argv: readonly string[]): string {
  const [entrypoint = '', ...args] = argv;
  return `${verb}: ${entrypoint} ${args.join(' ')}`;
}

/**
 * runtimeFailure turns the runtime's refusal to start an exec into Docker's words and exit code: the OCI runtime's
 * message framed as containerd frames it ("OCI runtime exec failed: <runc's message>: unknown"), exit 127 when
 * the command was not found, 126 when it could not be invoked or anything else went wrong (moby's default).
 */
export function runtimeFailure(err: unknown, argv0: string): ExecStartFailure {
  const raw = err instanceof Error ? err.message : String(err);
  if (err instanceof WharfError && err.code !== 'WHARF_RUNTIME_EXEC_FAILED') return new ExecStartFailure(raw, 126, err);
  const c = classifyStartFailure(raw, argv0);
  const message = c.message.startsWith('OCI runtime') ? c.message : `OCI runtime exec failed: ${c.message}: unknown`;
  return new ExecStartFailure(message, c.exitCode ?? 126, err);
}

async function execProcess(deps: ExecRunDeps, record: ContainerRecord, e: ExecInstance, consoleSize: TerminalSize | undefined): Promise<Record<string, unknown>> {
  const bundle = await (deps.readBundle ?? ((r: ContainerRecord) => readBundleConfig(r.paths.bundle)))(record);
  // The user is looked up in the container's own /etc/passwd; no lock is held while reading it.
  const user = await resolveUser(record.paths.rootfs, e.config.user, record.spec.groupAdd);
  const process = execProcessSpec({
    base: bundle?.process,
    argv: e.config.argv,
    env: e.config.env,
    cwd: e.config.workingDir,
    tty: e.config.tty,
    consoleSize,
    user,
    privileged: e.config.privileged,
    allCapabilities: deps.allCapabilities,
  });
  return process as unknown as Record<string, unknown>;
}

/**
 * startExecProcess starts an exec that `begin()` accepted: publishes exec_start, builds its OCI process from the
 * container's, and has the runtime run it, attached (output from the first byte) or detached. When the process
 * ends its exit code is recorded and exec_die published. A process that cannot start is recorded with Docker's
 * exit code and thrown as an ExecStartFailure.
 */
export async function startExecProcess(
  deps: ExecRunDeps,
  record: ContainerRecord,
  e: ExecInstance,
  opts: { attach: boolean; consoleSize?: TerminalSize },
): Promise<ExecSession> {
  publishContainerEvent(deps, record, execAction('exec_start', e.config.argv), { execID: e.id });
  let session: ExecSession;
  try {
    let process: Record<string, unknown>;
    try {
      process = await execProcess(deps, record, e, opts.consoleSize ?? e.config.consoleSize);
    } catch (err) {
      throw new ExecStartFailure(err instanceof Error ? err.message : String(err), 126, err);
    }
    try {
      session = await deps.runtime.exec(record.id, {
        execId: e.id,
        process,
        tty: e.config.tty,
        stdin: opts.attach && e.config.openStdin,
        attach: opts.attach,
        ...(opts.consoleSize ?? e.config.consoleSize ? { consoleSize: opts.consoleSize ?? e.config.consoleSize } : {}),
      });
    } catch (err) {
      throw runtimeFailure(err, e.config.argv[0] ?? '');
    }
  } catch (err) {
    e.finish((err as ExecStartFailure).exitCode);
    throw err;
  }
  e.startedWith(session);
  void session.exited.then(
    ({ exitCode }) => recordExit(deps, record, e, exitCode),
    (err: unknown) => {
      deps.log.warn({ err, containerId: record.id, execId: e.id }, 'exec: waiting for the exit failed');
      recordExit(deps, record, e, -1);
    },
  );
  return session;
}

function recordExit(deps: StreamDeps, record: ContainerRecord, e: ExecInstance, exitCode: number): void {
  e.finish(exitCode);
  publishContainerEvent(deps, record, 'exec_die', { execID: e.id, exitCode: String(exitCode) });
}
