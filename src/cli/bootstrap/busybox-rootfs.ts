// compat: an extension of ours (no docker equivalent): builds a busybox root filesystem from the host's Debian
// busybox-static package, so that machines without a reachable registry still have a real image to run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';

/** BUSYBOX_BINARY is where Debian's busybox-static installs its statically linked busybox. */
export const BUSYBOX_BINARY = '/bin/busybox';

/** BUSYBOX_CHANGES are the image settings of the official busybox image, as `docker import --change` lines. */
export const BUSYBOX_CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["sh"]'];

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:8:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65534:
`;

/** DIRECTORIES of the image with their modes; root's home is private and the temp directories are sticky. */
const DIRECTORIES: ReadonlyArray<readonly [string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['lib', 0o755], ['proc', 0o755], ['root', 0o700],
  ['sys', 0o755], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['var', 0o755],
  ['var/spool', 0o755], ['var/spool/mail', 0o755], ['var/www', 0o755],
];

/** busyboxApplets asks the host's busybox-static (a Debian package binary, not an image's) for its applet names. */
async function busyboxApplets(binary: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(binary, ['--list']);
  return stdout.split('\n').filter((name) => /^[\w.[\]-]+$/.test(name) && name !== 'busybox');
}

/**
 * busyboxRootfsTar streams a tar of a busybox root filesystem: /bin/busybox with every applet as a hard link in /bin
 * (as the official image lays it out), /etc/passwd and /etc/group, and the usual empty directories. Timestamps are
 * the binary's, so the layer is the same bytes every time for the same package version.
 */
export async function busyboxRootfsTar(binary = BUSYBOX_BINARY): Promise<Readable> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(binary);
  } catch {
    throw new Error(`${binary} not found: install Debian's busybox-static package (apt-get install busybox-static)`);
  }
  const applets = await busyboxApplets(binary);
  const mtime = stat.mtime;
  const pack = tarStream.pack();
  const entry = (header: Pick<tarStream.Header, 'name' | 'mode'> & Partial<tarStream.Header>, body: Buffer | string = ''): Promise<void> =>
    new Promise((resolve, reject) => pack.entry({ uid: 0, gid: 0, mtime, ...header }, body, (err) => (err ? reject(err) : resolve())));
  void (async () => {
    for (const [name, mode] of DIRECTORIES) await entry({ name: `${name}/`, type: 'directory', mode });
    await entry({ name: 'bin/busybox', mode: 0o755 }, fs.readFileSync(binary));
    for (const applet of applets) await entry({ name: `bin/${applet}`, type: 'link', linkname: 'bin/busybox', mode: 0o755 });
    await entry({ name: 'etc/passwd', mode: 0o644 }, PASSWD);
    await entry({ name: 'etc/group', mode: 0o644 }, GROUP);
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return Readable.from(pack);
}
