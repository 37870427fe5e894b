import type { Writable } from 'node:stream';
import { ttySize } from './raw-mode.js';

// The container's (or exec's) TTY follows the size of the client's terminal: once at the start and on every
// SIGWINCH (docker's MonitorTtySize; Node's tty.WriteStream turns SIGWINCH into a 'resize' event).

/** ResizeFn sends one size to the daemon (POST /containers/{id}/resize or /exec/{id}/resize). */
export type ResizeFn = (height: number, width: number) => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

async function resizeTo(resize: ResizeFn, size: [number, number]): Promise<void> {
  const [h, w] = size;
  if (h === 0 && w === 0) return;
  await resize(h, w);
}

/**
 * initTtySize sends the terminal's size; when that fails it retries up to 10 times, 10 ms apart and growing (the
 * process may not have its TTY yet), then reports `failed to resize tty, using default size` on `stderr`.
 */
export async function initTtySize(out: Writable, stderr: Writable, resize: ResizeFn): Promise<void> {
  try {
    await resizeTo(resize, ttySize(out));
    return;
  } catch {
    // retried below
  }
  for (let retry = 0; retry < 10; retry++) {
    await sleep((retry + 1) * 10);
    try {
      await resizeTo(resize, ttySize(out));
      return;
    } catch {
      // next attempt
    }
  }
  stderr.write('failed to resize tty, using default size\n');
}

/**
 * monitorTtySize sends the initial size and then every change of `out`'s size; it returns the function that stops
 * listening. Resize errors after the first are ignored, as docker does.
 */
export function monitorTtySize(out: Writable, stderr: Writable, resize: ResizeFn): () => void {
  void initTtySize(out, stderr, resize);
  const onResize = (): void => {
    resizeTo(resize, ttySize(out)).catch(() => undefined);
  };
  out.on('resize', onResize);
  return () => out.off('resize', onResize);
}
