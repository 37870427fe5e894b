// The engine core's acceptance test: a real wharfd on a private socket and data root, driven by the wharf CLI and by
// the real docker CLI (the reference client), through bootstrap, list, inspect, tag, history, save, rmi, load, import.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { docker, requiresRoot, run, startDaemon, wharf } from './harness.js';

test('docker CLI lists, inspects, tags, removes, saves and loads images through wharfd', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await startDaemon(t);

  const boot = await wharf(d, ['image', 'bootstrap', 'busybox']);
  assert.equal(boot.code, 0, boot.stderr);
  assert.match(boot.stdout, /^Bootstrapped busybox:latest \(sha256:[a-f0-9]{64}\)\n$/);

  const images = await docker(d, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  assert.equal(images.code, 0, images.stderr);
  const [line] = images.stdout.trim().split('\n');
  assert.match(line ?? '', /^busybox:latest [a-f0-9]{12}$/);

  const inspect = await docker(d, ['image', 'inspect', 'busybox']);
  assert.equal(inspect.code, 0, inspect.stderr);
  const [info] = JSON.parse(inspect.stdout) as Array<{ Id: string; RepoTags: string[]; Config: { Cmd: string[]; Env: string[] }; RootFS: { Layers: string[] } }>;
  assert.ok(info);
  assert.deepEqual(info.RepoTags, ['busybox:latest']);
  assert.deepEqual(info.Config.Cmd, ['sh']);
  assert.ok(info.Config.Env.some((e) => e.startsWith('PATH=')));
  assert.equal(info.RootFS.Layers.length, 1);

  // The layer is unpacked once, with busybox's applets as hard links of one inode, as in the official image.
  const snapshots = fs.readdirSync(path.join(d.dataRoot, 'snapshots')).filter((n) => /^[a-f0-9]{64}$/.test(n));
  assert.equal(snapshots.length, 1);
  const fsDir = path.join(d.dataRoot, 'snapshots', snapshots[0] as string, 'fs');
  assert.equal(fs.statSync(path.join(fsDir, 'bin', 'sh')).ino, fs.statSync(path.join(fsDir, 'bin', 'busybox')).ino);
  assert.equal(fs.statSync(path.join(fsDir, 'tmp')).mode & 0o7777, 0o1777);

  assert.equal((await docker(d, ['tag', 'busybox', 'myorg/tools:1.0'])).code, 0);
  const tagged = await docker(d, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(tagged.stdout.trim().split('\n').sort(), ['busybox:latest', 'myorg/tools:1.0']);

  const history = await docker(d, ['history', '--no-trunc', '--format', '{{.ID}} {{.Comment}}', 'busybox']);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, new RegExp(`^${info.Id} busybox from the host's busybox-static package`));

  // Removing by ID while two tags name it needs -f, with Docker's wording.
  const conflict = await docker(d, ['rmi', info.Id.slice(7, 19)]);
  assert.equal(conflict.code, 1);
  assert.match(conflict.stderr, /conflict: unable to delete [a-f0-9]{12} \(must be forced\) - image is referenced in multiple repositories/);

  const archive = path.join(d.dir, 'tools.tar');
  assert.equal((await docker(d, ['save', '-o', archive, 'myorg/tools:1.0'])).code, 0);
  const rmi = await docker(d, ['rmi', 'myorg/tools:1.0']);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.match(rmi.stdout, /^Untagged: myorg\/tools:1.0$/m);
  const load = await docker(d, ['load', '-i', archive]);
  assert.equal(load.code, 0, load.stderr);
  assert.match(load.stdout, /Loaded image: myorg\/tools:1.0/);
  const reloaded = await docker(d, ['image', 'inspect', '--format', '{{.Id}}', 'myorg/tools:1.0']);
  assert.equal(reloaded.stdout.trim(), info.Id, 'a save/load round trip keeps the image ID');

  // The archive is in the format the real docker load reads: OCI layout plus manifest.json and repositories.
  const listing = await run('tar', ['-tf', archive]);
  for (const member of ['oci-layout', 'index.json', 'manifest.json', 'repositories']) assert.match(listing.stdout, new RegExp(`^${member}$`, 'm'));

  const missing = await docker(d, ['image', 'inspect', 'nosuch:image']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such image: nosuch:image/);

  const version = await docker(d, ['version', '--format', '{{.Server.APIVersion}}']);
  assert.equal(version.stdout.trim(), '1.50');
  assert.equal((await docker(d, ['info'])).code, 0);
  assert.equal((await docker(d, ['system', 'df'])).code, 0);
});

test('wharf import takes a root filesystem tarball from stdin', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await startDaemon(t);
  const rootfs = path.join(d.dir, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'etc', 'motd'), 'hello from an imported image\n');
  const tarball = await new Promise<Buffer>((resolve, reject) => {
    import('node:child_process').then(({ execFile }) =>
      execFile('tar', ['-C', rootfs, '-c', '.'], { encoding: 'buffer', maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
  });
  const imported = await wharf(d, ['import', '--change', 'CMD ["cat", "/etc/motd"]', '-', 'mybase:1'], { input: tarball });
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^sha256:[a-f0-9]{64}$/m);
  const cmd = await docker(d, ['image', 'inspect', '--format', '{{json .Config.Cmd}}', 'mybase:1']);
  assert.equal(cmd.stdout.trim(), '["cat","/etc/motd"]');

  const garbage = await wharf(d, ['import', '-', 'broken:1'], { input: Buffer.from('this is not a tar stream at all') });
  assert.notEqual(garbage.code, 0);
  assert.match(garbage.stderr, /Error response from daemon: /);
  const after = await docker(d, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.deepEqual(after.stdout.trim().split('\n'), ['mybase:1'], 'a failed import leaves nothing behind');
});
