import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conmonCreateArgs, conmonExecArgs } from './conmon-args.js';
import { ExecRootLayout } from './exec-root-layout.js';

const BASE = { runtimePath: '/usr/sbin/runc', runtimeArgs: ['--root', '/run/w/runc', '--log-format', 'json'], logLevel: 'error' };

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

test('conmonCreateArgs gives conmon what podman gives it, for a k8s-file log and a stdin pipe', () => {
  const args = conmonCreateArgs({ ...BASE, id: 'c1', bundle: '/run/w/containers/c1', exitDir: '/run/w/exits', logPath: '/var/lib/w/c1.log', logMaxSize: 1000, tty: false, openStdin: true, stdinOnce: false });
  assert.deepEqual(args, [
    '--api-version', '1', '-c', 'c1', '-u', 'c1', '-n', 'c1', '-r', '/usr/sbin/runc', '-b', '/run/w/containers/c1',
    '-p', '/run/w/containers/c1/pidfile', '--conmon-pidfile', '/run/w/containers/c1/conmon.pid', '--exit-dir', '/run/w/exits',
    '--persist-dir', '/run/w/containers/c1', '--full-attach', '--log-level', 'error',
    '--runtime-arg', '--root', '--runtime-arg', '/run/w/runc', '--runtime-arg', '--log-format', '--runtime-arg', 'json',
    '--runtime-arg', '--log', '--runtime-arg', '/run/w/containers/c1/runc.log',
    '-l', 'k8s-file:/var/lib/w/c1.log', '--no-sync-log', '--log-size-max', '1000', '-i', '--leave-stdin-open',
  ]);
});

test('conmonCreateArgs: a pty takes -t only; no log is -l none; stdinOnce closes stdin; no-pivot', () => {
  const tty = conmonCreateArgs({ ...BASE, id: 'c1', bundle: '/b', exitDir: '/e', tty: true, openStdin: true, stdinOnce: false });
  assert.equal(tty.includes('-t'), true);
  assert.equal(tty.includes('-i'), false);
  assert.equal(flagValue(tty, '-l'), 'none');
  assert.equal(tty.includes('--log-size-max'), false);
  assert.equal(tty.includes('--no-sync-log'), false, 'nothing to sync without a log');
  const once = conmonCreateArgs({ ...BASE, id: 'c1', bundle: '/b', exitDir: '/e', tty: false, openStdin: true, stdinOnce: true, noPivot: true });
  assert.deepEqual(once.slice(-4), ['-l', 'none', '-i', '--no-pivot']);
  const closed = conmonCreateArgs({ ...BASE, id: 'c1', bundle: '/b', exitDir: '/e', tty: false, openStdin: false, stdinOnce: false, logMaxSize: 5 });
  assert.equal(closed.includes('-i'), false);
  assert.equal(closed.includes('--log-size-max'), false, 'no size limit without a log');
});

test('conmonExecArgs runs an attached exec with its own directory and exit dir, unlogged', () => {
  const args = conmonExecArgs({ ...BASE, id: 'c1', execId: 'e1', dir: '/b/exec/e1', tty: false, stdin: true, attach: true });
  assert.equal(flagValue(args, '-c'), 'c1');
  assert.equal(flagValue(args, '-u'), 'e1');
  assert.equal(flagValue(args, '-b'), '/b/exec/e1');
  assert.equal(flagValue(args, '--exit-dir'), '/b/exec/e1/exits');
  assert.equal(flagValue(args, '-l'), 'none');
  assert.deepEqual(args.slice(-6), ['none', '-i', '-e', '--exec-attach', '--exec-process-spec', '/b/exec/e1/process.json']);
  const detached = conmonExecArgs({ ...BASE, id: 'c1', execId: 'e1', dir: '/d', tty: true, stdin: true, attach: false });
  assert.equal(detached.includes('--exec-attach'), false);
  assert.equal(detached.includes('-i'), false, 'a pty exec never gets -i');
  assert.equal(detached.includes('-t'), true);
});

test('ExecRootLayout places everything under the exec root and refuses unsafe IDs', () => {
  const l = new ExecRootLayout('/run/wharf/');
  assert.equal(l.runcRoot, '/run/wharf/runc');
  assert.equal(l.exitsDir, '/run/wharf/exits');
  assert.equal(l.bundle('c1'), '/run/wharf/containers/c1');
  assert.equal(l.exitFile('c1'), '/run/wharf/exits/c1');
  assert.equal(l.execDir('c1', 'e1'), '/run/wharf/containers/c1/exec/e1');
  assert.throws(() => l.bundle('../etc'), { code: 'WHARF_INVALID_RUNTIME_ID' });
  assert.throws(() => l.execDir('c1', 'a/b'), { code: 'WHARF_INVALID_RUNTIME_ID' });
});
