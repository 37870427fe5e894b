// Docker's default security profile, verified from inside containers started through the real docker CLI: the 14
// default capabilities, seccomp filtering, masked and read-only /proc paths, no mounts; and --privileged lifting it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { docker, requiresRoot, startDaemon, wharf } from './harness.js';

const PROBE = [
  'grep -E "^(CapEff|CapInh|CapAmb|Seccomp|NoNewPrivs):" /proc/self/status',
  'mount -t tmpfs none /tmp >/dev/null 2>&1 && echo mount=ok || echo mount=refused',
  'echo keys=$(wc -c < /proc/keys)',
  // kernel.hostname belongs to the container's UTS namespace, so writing it (privileged) leaves the host alone.
  'cat /proc/sys/kernel/hostname > /proc/sys/kernel/hostname 2>/dev/null && echo sys=writable || echo sys=readonly',
].join('; ');

function fields(out: string): Record<string, string> {
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(/[:=]\s*/) as [string, string]));
}

test('containers run under Docker\'s default profile and --privileged lifts it', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await startDaemon(t);
  assert.equal((await wharf(d, ['image', 'bootstrap', 'busybox'])).code, 0);

  const confined = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', PROBE]);
  assert.equal(confined.code, 0, confined.stderr);
  const c = fields(confined.stdout);
  assert.equal(c.CapEff, '00000000a80425fb', "Docker's 14 default capabilities");
  assert.equal(c.CapInh, '0000000000000000');
  assert.equal(c.CapAmb, '0000000000000000');
  assert.equal(c.Seccomp, '2', 'a seccomp filter is installed');
  assert.equal(c.NoNewPrivs, '0');
  assert.equal(c.mount, 'refused');
  assert.equal(c.keys, '0', '/proc/keys is masked');
  assert.equal(c.sys, 'readonly', '/proc/sys is read-only');

  const nnp = await docker(d, ['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs:', '/proc/self/status']);
  assert.match(nnp.stdout, /NoNewPrivs:\s+1/);
  const dropped = await docker(d, ['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', 'busybox', 'grep', 'CapEff:', '/proc/self/status']);
  assert.match(dropped.stdout, /CapEff:\s+0000000000000001/);
  const unconfined = await docker(d, ['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'grep', 'Seccomp:', '/proc/self/status']);
  assert.match(unconfined.stdout, /Seccomp:\s+0/);

  const privileged = await docker(d, ['run', '--rm', '--privileged', 'busybox', 'sh', '-c', PROBE]);
  assert.equal(privileged.code, 0, privileged.stderr);
  const p = fields(privileged.stdout);
  assert.notEqual(p.CapEff, '00000000a80425fb', 'more than the defaults');
  assert.equal(BigInt(`0x${p.CapEff}`) & (1n << 21n), 1n << 21n, 'CAP_SYS_ADMIN is granted');
  assert.equal(p.Seccomp, '0');
  assert.equal(p.mount, 'ok');
  assert.equal(p.sys, 'writable');
});
