import { spawnSync } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

// The local terminal in raw mode while a container's TTY is attached, restored on every way out: when the stream
// ends, on detach, on errors, and (as a last resort) when the process exits.

interface RawCapable {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/**
 * setRawTerminal puts `stdin` in raw mode when it is a terminal (docker's SetRawTerminal; NORAW in the environment
 * turns it off) and returns the idempotent function that restores it.
 */
export function setRawTerminal(stdin: Readable, env: Readonly<Record<string, string | undefined>>): () => void {
  const tty = stdin as Readable & RawCapable;
  if (!tty.isTTY || typeof tty.setRawMode !== 'function' || env.NORAW) return () => undefined;
  tty.setRawMode(true);
  // compat: libuv's raw mode keeps output processing (ONLCR) on, where docker's term.MakeRaw clears OPOST; with it
  // on, the container's "\r\n" reaches the screen as "\r\r\n" and full-screen programs misplace the cursor. Node
  // has no termios call, so the host's stty clears it on our own terminal; setRawMode(false) restores all settings.
  spawnSync('stty', ['-opost'], { stdio: [(stdin as { fd?: number }).fd ?? 0, 'ignore', 'ignore'] });
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    try {
      tty.setRawMode?.(false);
    } catch {
      // The terminal is gone (hang-up): nothing left to restore.
    }
  };
  process.once('exit', restore);
  return restore;
}

/** ttySize is the terminal size of `out` as [height, width], or [0, 0] when it is not a terminal. */
export function ttySize(out: Writable): [number, number] {
  const t = out as Writable & { isTTY?: boolean; rows?: number; columns?: number };
  if (!t.isTTY) return [0, 0];
  return [t.rows ?? 0, t.columns ?? 0];
}
