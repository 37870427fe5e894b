// Test support (not a test file): run the wharf CLI in-process against captured streams.
import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIO } from './command.js';
import { runCli } from './run-cli.js';

/** CliResult is what one in-process wharf run produced. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** RunOptions set up the fake terminal and environment for runWharf. */
export interface RunOptions {
  /** Daemon address; passed as WHARF_HOST unless env says otherwise. */
  host?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer | Readable;
  stdoutIsTTY?: boolean;
  stdinIsTTY?: boolean;
  /** Fixed "now" in milliseconds. */
  now?: number;
  columns?: number;
  /** Receives raw stdout bytes (for binary output such as `save`). */
  stdoutBytes?: Buffer[];
}

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** runWharf runs `wharf argv...` in-process and captures its output and exit status. */
export async function runWharf(argv: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  let stdin: Readable;
  if (opts.stdin instanceof Readable) stdin = opts.stdin;
  else {
    const p = new PassThrough();
    p.end(opts.stdin ?? '');
    stdin = p;
  }
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    stdoutIsTTY: opts.stdoutIsTTY ?? false,
    stdinIsTTY: opts.stdinIsTTY ?? false,
    columns: opts.columns ?? 80,
    env: { WHARF_NO_AUTOSTART: '1', ...(opts.host ? { WHARF_HOST: opts.host } : {}), ...opts.env },
    now: () => opts.now ?? Date.now(),
  };
  const status = await runCli(argv, io);
  if (opts.stdoutBytes) opts.stdoutBytes.push(...stdout.chunks);
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}
