import test from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataRootLayout } from '../../core/layout.js';
import { EventRecorder, FakeStreamRuntime, MemoryStore, QUIET_LOG } from './attach-testing.js';
import { runProbe } from './health-probe.js';
import { ExecStore } from './exec-store.js';
import { testId, testRecord } from './testing/records.js';

const ROOTFS = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-probe-rootfs-'));
fs.mkdirSync(path.join(ROOTFS, 'etc'));
fs.writeFileSync(path.join(ROOTFS, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
test.after(() => fs.rmSync(ROOTFS, { recursive: true, force: true }));

const ID = testId(11);

function setup() {
  const base = testRecord(new DataRootLayout('/tmp/wharf-probe'), ID, 'hc', { state: { status: 'running' } });
  const record = { ...base, paths: { ...base.paths, rootfs: ROOTFS } };
  const runtime = new FakeStreamRuntime();
  const killed: [number, number][] = [];
  const events = new EventRecorder();
  const deps = {
    store: new MemoryStore([record]), runtime, events, log: QUIET_LOG, allCapabilities: [], readBundle: async () => undefined,
    killProcess: (pid: number, sig: number) => void killed.push([pid, sig]),
  };
  return { deps, runtime, killed, events, record, store: new ExecStore() };
}

test('runProbe runs the command as an exec and keeps stdout and stderr together', async () => {
  const t = setup();
  t.runtime.onExec = (e) => {
    e.io?.stdout.write('ok ');
    e.io?.stderr.write('warn');
    setTimeout(() => e.exit(3), 5);
  };
  const ac = new AbortController();
  const r = await runProbe(t.deps, t.store, t.record, ['/bin/sh', '-c', 'x'], 5e9, ac.signal);
  assert.equal(r.exitCode, 3);
  assert.equal(r.output, 'ok warn');
  const opts = t.runtime.execs[0]?.opts;
  assert.deepEqual([opts?.tty, opts?.stdin, opts?.attach], [false, false, true]);
  assert.deepEqual(t.events.actions(), ['exec_create: /bin/sh -c x', 'exec_start: /bin/sh -c x', 'exec_die']);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'no listener left on the checks\' signal');
});

test('runProbe truncates long output at 4096 bytes', async () => {
  const t = setup();
  t.runtime.onExec = (e) => {
    e.io?.stdout.write(Buffer.alloc(5000, 120));
    setTimeout(() => e.exit(0), 5);
  };
  const r = await runProbe(t.deps, t.store, t.record, ['x'], 5e9, new AbortController().signal);
  assert.equal(r.output.length, 4096 + 3);
  assert.ok(r.output.endsWith('x...'));
});

test('runProbe past its timeout kills the process and reports -1 in Docker\'s words', async () => {
  const t = setup();
  t.runtime.onExec = (e) => {
    e.io?.stdout.write('partial');
    t.deps.killProcess = (pid, sig) => {
      t.killed.push([pid, sig]);
      e.exit(137);
    };
  };
  const r = await runProbe(t.deps, t.store, t.record, ['sleep', '9'], 50e6, new AbortController().signal);
  assert.deepEqual(r, { exitCode: -1, output: 'Health check exceeded timeout (50ms): partial' });
  assert.equal(t.killed[0]?.[1], 9);
});

test('runProbe throws when the command cannot start (the checker records -1 with the message)', async () => {
  const t = setup();
  t.runtime.execError = new Error('exec failed: unable to start container process: exec: "nope": executable file not found in $PATH');
  await assert.rejects(runProbe(t.deps, t.store, t.record, ['nope'], 5e9, new AbortController().signal), /OCI runtime exec failed: .*nope.*: unknown/);
});
