import type { Writable } from 'node:stream';
import type { EngineClient } from '../../client/engine-client.js';
import type { HijackedConnection } from '../../client/hijack.js';
import type { CliIO } from '../command.js';
import { streamHijacked, type StreamSession } from './hijacked-streams.js';

// What run, start, attach and exec share once a connection is hijacked: which local streams are connected, and
// the container's exit status from POST /wait (docker's attachContainer and waitExitOrRemoved).

/** SessionStreams say which streams a session connects. */
export interface SessionStreams {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
  readonly detachKeys: string;
}

/**
 * openSession connects the CLI's streams to `conn`: stdin when attached, stdout, and stderr (to stdout with a
 * TTY, as docker does: a TTY has one output).
 */
export function openSession(io: CliIO, conn: HijackedConnection, s: SessionStreams): Promise<StreamSession> {
  return streamHijacked({
    conn,
    stdin: s.stdin ? io.stdin : undefined,
    stdout: s.stdout ? io.stdout : undefined,
    stderr: s.stderr ? (s.tty ? io.stdout : io.stderr) : undefined,
    tty: s.tty,
    detachKeys: s.detachKeys,
    log: io.stderr,
    env: io.env,
  });
}

/**
 * preloadSession loads the modules an attached session needs (the hijack client, and for a terminal the raw mode,
 * detach keys and size monitor) so that loading overlaps the requests that come before the attach. Failures are
 * left to the real imports.
 */
export function preloadSession(terminal: boolean): void {
  const load: Promise<unknown>[] = [import('../../client/hijack.js')];
  if (terminal) load.push(import('./raw-mode.js'), import('./detach-keys.js'), import('./tty-size.js'));
  Promise.all(load).catch(() => undefined);
}

/**
 * waitExitOrRemoved registers POST /containers/{id}/wait (`next-exit`, or `removed` with --rm) and resolves once
 * the daemon has answered the head, with the function that yields the exit status. A wait that fails yields 125
 * after docker's `Error waiting for container: ...` on stderr.
 */
export async function waitExitOrRemoved(client: EngineClient, id: string, removed: boolean, stderr: Writable): Promise<() => Promise<number>> {
  const { containerWait } = await import('../../client/containers-api.js');
  let read: (() => Promise<{ StatusCode: number; Error?: { Message?: string } | null }>) | undefined;
  let failure: unknown;
  try {
    read = await containerWait(client, id, removed ? 'removed' : 'next-exit');
  } catch (err) {
    failure = err;
  }
  let status: Promise<number> | undefined;
  return () => (status ??= exitStatus(read, failure, stderr));
}

async function exitStatus(read: (() => Promise<{ StatusCode: number; Error?: { Message?: string } | null }>) | undefined, failure: unknown, stderr: Writable): Promise<number> {
  if (!read) {
    stderr.write(`error waiting for container: ${(failure as Error).message}\n`);
    return 125;
  }
  try {
    const r = await read();
    if (r.Error?.Message) {
      stderr.write(`Error waiting for container: ${r.Error.Message}\n`);
      return 125;
    }
    return r.StatusCode;
  } catch (err) {
    stderr.write(`error waiting for container: ${(err as Error).message}\n`);
    return 125;
  }
}
