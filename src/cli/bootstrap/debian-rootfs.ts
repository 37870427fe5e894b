// compat: an extension of ours (no docker equivalent): a Debian root filesystem made by mmdebstrap from Debian's
// package mirrors, the only thing these machines can reach, instead of a registry pull of `debian:<suite>`.
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/** DEBIAN_SUITES maps the tags people use for the official debian image to Debian suite names. */
export const DEBIAN_SUITES: Readonly<Record<string, string>> = {
  latest: 'bookworm', bookworm: 'bookworm', '12': 'bookworm', stable: 'bookworm',
  'bookworm-slim': 'bookworm', trixie: 'trixie', '13': 'trixie', bullseye: 'bullseye', '11': 'bullseye',
};

/** DEBIAN_CHANGES are the image settings of the official debian image. */
export const DEBIAN_CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'];

/**
 * debianRootfsTar streams the tar that `mmdebstrap --variant=minbase` writes for a suite. The stream ends only after
 * mmdebstrap exited 0, and fails with mmdebstrap's own diagnostics otherwise (no mirror reachable, unknown suite),
 * so a half-written tar never becomes an image.
 */
export function debianRootfsTar(suite: string, onLog: (line: string) => void): Readable {
  const child = spawn('mmdebstrap', ['--variant=minbase', '--format=tar', '--quiet', suite, '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    for (const line of b.toString().split('\n')) if (line.trim()) onLog(line);
  });
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(new Error(`cannot run mmdebstrap (apt-get install mmdebstrap): ${err.message}`)));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`mmdebstrap failed with exit code ${code}: ${stderr.trim().slice(-2000)}`));
  });
  return out;
}
