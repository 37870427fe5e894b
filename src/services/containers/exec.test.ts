import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { WharfError, kindOf } from '../../common/errors.js';
import { DataRootLayout } from '../../core/layout.js';
import type { OciProcess } from '../../core/oci/spec.js';
import { EventRecorder, FakeStreamRuntime, MemoryStore, QUIET_LOG, collect } from './attach-testing.js';
import { ExecService } from './exec.js';
import { testId, testRecord } from './testing/records.js';

const layout = new DataRootLayout('/tmp/wharf-exec-test');
const ID = testId(1);

const BASE: OciProcess = {
  user: { uid: 0, gid: 0 },
  args: ['sh'],
  env: ['PATH=/bin'],
  cwd: '/',
  capabilities: { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'], inheritable: [], ambient: [] },
  noNewPrivileges: true,
};

// A container root with the files user resolution reads.
const ROOTFS = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-exec-rootfs-'));
fs.mkdirSync(path.join(ROOTFS, 'etc'));
fs.writeFileSync(path.join(ROOTFS, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/sh\n');
fs.writeFileSync(path.join(ROOTFS, 'etc', 'group'), 'root:x:0:\nwww:x:33:\nstaff:x:50:www\n');
test.after(() => fs.rmSync(ROOTFS, { recursive: true, force: true }));

function setup(status: 'running' | 'exited' | 'paused' | 'restarting' = 'running', body: Record<string, unknown> = {}) {
  const base = testRecord(layout, ID, 'web', { body: { Env: ['A=1'], WorkingDir: '/work', ...body }, state: { status, pid: 42 } });
  const record = { ...base, paths: { ...base.paths, rootfs: ROOTFS } };
  const store = new MemoryStore([record]);
  const runtime = new FakeStreamRuntime();
  const events = new EventRecorder();
  const execs = new ExecService(
    { store, runtime, events, log: QUIET_LOG, allCapabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'], readBundle: async () => ({ process: BASE, cgroupsPath: `/wharf/${ID}` }) },
    { resizeWaitMs: 200 },
  );
  return { store, runtime, events, execs, record };
}

const req = (cmd: string[], extra: Partial<Parameters<ExecService['create']>[1]> = {}) => ({
  cmd, attachStdin: false, attachStdout: true, attachStderr: true, tty: false, env: [], workingDir: '', user: '', privileged: false, detachKeys: '', ...extra,
});

test('create refuses what Docker refuses, in its words', async () => {
  for (const [status, message] of [
    ['exited', `container ${ID} is not running`],
    ['paused', 'Container web is paused, unpause the container before exec'],
    ['restarting', `Container ${ID} is restarting, wait until the container is running`],
  ] as const) {
    const { execs } = setup(status);
    await assert.rejects(execs.create('web', req(['ls'])), (err: Error) => kindOf(err) === 'Conflict' && err.message === message, status);
  }
  const { execs } = setup();
  await assert.rejects(execs.create('web', req([])), /No exec command specified/);
  await assert.rejects(execs.create('web', req(['ls'], { detachKeys: 'ctrl-' })), /Invalid escape keys \(ctrl-\) provided/);
  await assert.rejects(execs.create('nosuch', req(['ls'])), /No such container: nosuch/);
});

test('create fixes env, user and cwd from the container and publishes exec_create', async () => {
  const { execs, events } = setup('running', { User: '1000' });
  const id = await execs.create('web', req(['ls', '-l'], { env: ['A=2', 'B=3'], tty: true }));
  assert.match(id, /^[0-9a-f]{64}$/);
  const e = execs.store.get(id);
  assert.deepEqual(e.config.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${ID.slice(0, 12)}`, 'TERM=xterm', 'A=2', 'B=3']);
  assert.equal(e.config.user, '1000');
  assert.equal(e.config.workingDir, '/work');
  assert.deepEqual(events.events.at(-1), { action: 'exec_create: ls -l', id: ID, attributes: { image: 'busybox', name: 'web', execID: id } });
});

test('the exec user is resolved in the container: by name at create, into uid/gid/groups at start', async () => {
  const { execs, runtime } = setup();
  await assert.rejects(execs.create('web', req(['id'], { user: 'nobody' })), (err: Error) => kindOf(err) === 'InvalidArgument' && /unable to find user nobody/.test(err.message));
  const id = await execs.create('web', req(['id'], { user: 'www' }));
  runtime.onExec = (e) => e.exit(0);
  await (await execs.prepareStart(id, { detach: false }))?.run({ stdout: collect().writable }, new AbortController().signal);
  const p = runtime.execs[0]?.opts.process as unknown as OciProcess;
  assert.deepEqual(p.user, { uid: 33, gid: 33, additionalGids: [33, 50] });
  assert.equal(execs.inspect(id).user, 'www');
});

test('inspect reports Docker\'s fields before, during and after the run', async () => {
  const { execs, runtime, store } = setup();
  const id = await execs.create('web', req(['sh', '-c', 'exit 3'], { detachKeys: 'ctrl-x' }));
  let d = execs.inspect(id);
  assert.equal(d.running, false);
  assert.equal(d.exitCode, undefined);
  assert.equal(d.pid, 0);
  assert.deepEqual([...d.detachKeys], [24]);
  runtime.onExec = (e) => e.exit(3);
  const session = await execs.prepareStart(id, { detach: false });
  assert.ok(session);
  const out = collect();
  const outcome = await session.run({ stdout: out.writable, stderr: collect().writable }, new AbortController().signal);
  assert.equal(outcome, 'ended');
  d = execs.inspect(id);
  assert.equal(d.running, false);
  assert.equal(d.exitCode, 3, 'the exit code is recorded before the stream ends');
  assert.ok(d.pid > 0);
  store.records.delete(ID);
  assert.throws(() => execs.inspect(id), /No such exec instance/);
  assert.throws(() => execs.inspect('nope'), /No such exec instance: nope/);
});

test('start builds the process from the container\'s and streams it', async () => {
  const { execs, runtime, events } = setup();
  const id = await execs.create('web', req(['cat'], { attachStdin: true, privileged: true, workingDir: '/tmp' }));
  runtime.onExec = (e) => {
    e.io?.stdout.write('out');
    e.io?.stderr.write('err');
  };
  const session = await execs.prepareStart(id, { detach: false });
  assert.ok(session);
  const input = new PassThrough();
  const out = collect();
  const err = collect();
  const done = session.run({ stdin: input, stdout: out.writable, stderr: err.writable }, new AbortController().signal);
  input.end('hello');
  await new Promise((r) => setTimeout(r, 20));
  const e = runtime.execs[0];
  assert.ok(e?.io);
  assert.equal(Buffer.concat(e.io.received).toString(), 'hello');
  assert.equal(e.io.stdinEnded, true, 'exec stdin is closed at the input EOF');
  e.exit(0);
  assert.equal(await done, 'ended');
  assert.equal(out.text(), 'out');
  assert.equal(err.text(), 'err');
  const p = e.opts.process as unknown as OciProcess;
  assert.deepEqual(p.args, ['cat']);
  assert.equal(p.cwd, '/tmp');
  assert.equal(p.noNewPrivileges, true, 'inherited from the container');
  assert.deepEqual(p.capabilities?.effective, ['CAP_CHOWN', 'CAP_SYS_ADMIN'], '--privileged lifts the capabilities');
  assert.equal(e.opts.stdin, true);
  assert.equal(e.opts.attach, true);
  assert.deepEqual(events.actions().filter((a) => a.startsWith('exec')), ['exec_create: cat ', 'exec_start: cat ', 'exec_die']);
  assert.equal(events.events.at(-1)?.attributes['exitCode'], '0');
});

test('a command that cannot start gets Docker\'s message on the stream and exit code 127/126', async () => {
  for (const [msg, code] of [
    ['exec failed: unable to start container process: exec: "x": executable file not found in $PATH', 127],
    ['exec failed: unable to start container process: exec: "/etc": permission denied', 126],
    ['something else broke', 126],
  ] as const) {
    const { execs, runtime } = setup();
    runtime.execError = new WharfError('Internal', 'WHARF_RUNTIME_EXEC_FAILED', msg);
    const id = await execs.create('web', req(['x']));
    const session = await execs.prepareStart(id, { detach: false });
    assert.ok(session);
    const out = collect();
    assert.equal(await session.run({ stdout: out.writable }, new AbortController().signal), 'failed');
    assert.equal(out.text(), `OCI runtime exec failed: ${msg}: unknown\r\n`);
    assert.equal(execs.inspect(id).exitCode, code);
    // compat: a second start says it already ran, on the stream.
    const again = await execs.prepareStart(id, { detach: false });
    const out2 = collect();
    await again?.run({ stdout: out2.writable }, new AbortController().signal);
    assert.equal(out2.text(), `exec command ${id} has already run\r\n`);
  }
});

test('detached start runs without a stream; its end is recorded later', async () => {
  const { execs, runtime } = setup();
  const id = await execs.create('web', req(['sleep', '1']));
  assert.equal(await execs.prepareStart(id, { detach: true }), undefined);
  assert.equal(execs.inspect(id).running, true);
  assert.equal(runtime.execs[0]?.opts.attach, false);
  await assert.rejects(execs.prepareStart(id, { detach: true }), /is already running/);
  runtime.execs[0]?.exit(0);
  await new Promise((r) => setImmediate(r));
  assert.equal(execs.inspect(id).exitCode, 0);
});

test('start and resize check the container is still running', async () => {
  const { execs, store } = setup();
  const id = await execs.create('web', req(['ls']));
  store.setStatus(ID, 'exited');
  await assert.rejects(execs.prepareStart(id, { detach: false }), (err: Error) => kindOf(err) === 'Conflict' && err.message === `container ${ID} is not running`);
  await assert.rejects(execs.resize(id, { height: 1, width: 1 }), /is not running/);
});

test('resize waits for the process, then resizes its TTY; a failed start is "not started"', async () => {
  const { execs, runtime } = setup();
  const id = await execs.create('web', req(['sh'], { tty: true }));
  const resized = execs.resize(id, { height: 40, width: 100 });
  const session = await execs.prepareStart(id, { detach: false, consoleSize: { height: 30, width: 90 } });
  const run = session?.run({ stdout: collect().writable }, new AbortController().signal);
  await resized;
  const e = runtime.execs[0];
  assert.deepEqual(e?.resizes, [{ height: 40, width: 100 }]);
  assert.deepEqual(e?.opts.consoleSize, { height: 30, width: 90 });
  assert.equal((e?.opts.process as unknown as OciProcess).terminal, true);
  e?.exit(0);
  await run;

  const failing = setup();
  failing.runtime.execError = new WharfError('Internal', 'WHARF_RUNTIME_EXEC_FAILED', 'boom');
  const id2 = await failing.execs.create('web', req(['sh']));
  const s2 = await failing.execs.prepareStart(id2, { detach: false });
  await s2?.run({ stdout: collect().writable }, new AbortController().signal);
  await assert.rejects(failing.execs.resize(id2, { height: 1, width: 1 }), /exec process is not started/);

  const waiting = setup();
  const id3 = await waiting.execs.create('web', req(['sh']));
  await assert.rejects(waiting.execs.resize(id3, { height: 1, width: 1 }), /timeout waiting for exec session ready/);
});

test('detach keys end an exec TTY session without ending the process', async () => {
  const { execs, runtime, events } = setup();
  const id = await execs.create('web', req(['sh'], { tty: true, attachStdin: true }));
  const session = await execs.prepareStart(id, { detach: false });
  const input = new PassThrough();
  const done = session?.run({ stdin: input, stdout: collect().writable }, new AbortController().signal);
  input.write(Buffer.from([97, 16, 17]));
  assert.equal(await done, 'detached');
  assert.equal(execs.inspect(id).running, true);
  assert.ok(events.actions().includes('exec_detach'));
  runtime.execs[0]?.exit(0);
});
