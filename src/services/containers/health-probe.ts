import { Writable } from 'node:stream';
import { publishContainerEvent } from './attach-deps.js';
import { pumpStreams } from './attach-pump.js';
import type { ContainerRecord } from './container-record.js';
import { execEnv } from './exec-process.js';
import { execAction, startExecProcess, type ExecRunDeps } from './exec-run.js';
import type { ExecStore } from './exec-store.js';
import { MAX_PROBE_OUTPUT, goDuration, limitOutput } from './health-state.js';

/** ProbeResult is one health check run: its exit code (-1 for a timeout or a start failure) and output. */
export interface ProbeResult {
  readonly exitCode: number;
  readonly output: string;
}

/** ProbeDeps is what a probe needs: the exec deps, and a way to kill a probe that ran out of time. */
export interface ProbeDeps extends ExecRunDeps {
  /** Sends a signal to a host pid (the composition root gives process.kill); without it a late probe is left to finish. */
  readonly killProcess?: (pid: number, signal: number) => void;
}

/**
 * ProbeOutput keeps the first MAX_PROBE_OUTPUT bytes of a probe's stdout and stderr together (in arrival order)
 * and notes whether more came; each stream writes through its own Writable, so one ending does not end the other.
 */
class ProbeOutput {
  readonly #parts: Buffer[] = [];
  #size = 0;
  #truncated = false;

  writer(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        const room = MAX_PROBE_OUTPUT - this.#size;
        if (chunk.length > room) this.#truncated = true;
        if (room > 0) {
          const kept = Buffer.from(chunk.subarray(0, room));
          this.#parts.push(kept);
          this.#size += kept.length;
        }
        callback();
      },
    });
  }

  text(): string {
    return limitOutput(Buffer.concat(this.#parts), this.#truncated);
  }
}

const SIGKILL = 9;

/**
 * runProbe runs a health check command the way moby's cmdProbe does: as an exec of the container (registered,
 * with exec_create/exec_start/exec_die events), as the container's user in its working directory, stdout and
 * stderr collected together up to 4096 bytes. Past `timeoutNs` the process is killed and the result is -1 with
 * "Health check exceeded timeout (30s)[: output]". A command that cannot start throws (the caller records -1
 * with the error's message, as Docker).
 */
export async function runProbe(deps: ProbeDeps, store: ExecStore, record: ContainerRecord, argv: readonly string[], timeoutNs: number, signal: AbortSignal): Promise<ProbeResult> {
  const e = store.add({
    containerId: record.id,
    argv: [...argv],
    tty: false,
    openStdin: false,
    openStdout: true,
    openStderr: true,
    detachKeys: new Uint8Array(),
    env: execEnv(record, [], false),
    user: record.config.user,
    workingDir: record.config.workingDir,
    privileged: false,
  });
  publishContainerEvent(deps, record, execAction('exec_create', argv), { execID: e.id });
  e.begin();
  const session = await startExecProcess(deps, record, e, { attach: true });
  const sink = new ProbeOutput();
  const finished = (async () => {
    if (session.io !== undefined) await pumpStreams(session.io, { stdout: sink.writer(), stderr: sink.writer() }, { tty: false, closeStdin: true, signal });
    return (await session.exited).exitCode;
  })();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(1, Math.round(timeoutNs / 1e6)));
    onAbort = () => resolve('timeout');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([finished, timedOut]);
    if (outcome !== 'timeout') return { exitCode: outcome, output: sink.text() };
    try {
      deps.killProcess?.(session.pid, SIGKILL);
    } catch {
      // Already gone.
    }
    // Wait (briefly) for the killed probe, so dying probes do not pile up (moby waits the same way).
    await Promise.race([finished.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    const out = sink.text();
    const msg = `Health check exceeded timeout (${goDuration(timeoutNs)})`;
    return { exitCode: -1, output: out !== '' ? `${msg}: ${out}` : msg };
  } finally {
    clearTimeout(timer);
    // The signal lives as long as the container's checks: each probe must take its listener away.
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
