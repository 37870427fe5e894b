// A terminal for integration tests: python's pty module runs a command on a pty of 33x111 rows/columns, types the
// parts of `input` (split at "<pause>") `delayS` seconds apart, and returns what the terminal showed and the exit
// status (node has no pty of its own).
import { run, type RunResult } from './harness.js';

const PTY_DRIVER = `
import fcntl, os, pty, struct, sys, select, termios, time
delay, parts = float(sys.argv[1]), [p.encode('latin-1') for p in sys.argv[2].split('<pause>') if p]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 33, 111, 0, 0))
    os.execvp(sys.argv[3], sys.argv[3:])
out, start = b'', time.time()
next_at = start + delay
while time.time() - start < 30:
    if parts and time.time() >= next_at:
        os.write(fd, parts.pop(0)); next_at = time.time() + delay
    r, _, _ = select.select([fd], [], [], 0.1)
    if fd in r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('latin-1'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** runOnPty runs `argv` on a fresh pty, typing `input` as described above. */
export function runOnPty(argv: readonly string[], opts: { input?: string; delayS?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return run('python3', ['-c', PTY_DRIVER, String(opts.delayS ?? 1), opts.input ?? '', ...argv], opts.env ? { env: opts.env } : {});
}
