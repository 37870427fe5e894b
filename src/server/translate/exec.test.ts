import test from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidArgument } from '../../common/errors.js';
import { readExecCreateBody, readExecStartBody, toExecInspect } from './exec.js';

test('readExecCreateBody reads Docker\'s exec config', () => {
  const r = readExecCreateBody(
    { AttachStdin: true, AttachStdout: true, Tty: true, Cmd: ['sh', '-c', 'x'], Env: ['A=1'], WorkingDir: '/w', User: 'u', Privileged: true, DetachKeys: 'ctrl-a', ConsoleSize: [24, 80] },
    '1.50',
  );
  assert.deepEqual(r, {
    cmd: ['sh', '-c', 'x'], attachStdin: true, attachStdout: true, attachStderr: false, tty: true, env: ['A=1'], workingDir: '/w', user: 'u', privileged: true,
    detachKeys: 'ctrl-a', consoleSize: { height: 24, width: 80 },
  });
  assert.deepEqual(readExecCreateBody(undefined, '1.50').cmd, []);
  assert.equal(readExecCreateBody({ Cmd: ['x'], ConsoleSize: [24, 80] }, '1.41').consoleSize, undefined, 'ConsoleSize needs API 1.42');
  assert.equal(readExecCreateBody({ Cmd: ['x'], ConsoleSize: [0, 0] }, '1.50').consoleSize, undefined);
  assert.equal(readExecCreateBody({ Cmd: ['x'], Env: null }, '1.50').env.length, 0);
});

test('readExecCreateBody refuses malformed bodies', () => {
  for (const bad of [[], 'x', { Cmd: 'ls' }, { Cmd: [1] }, { Tty: 'yes' }, { Env: [null] }, { ConsoleSize: [1] }, { ConsoleSize: [-1, 2] }, { ConsoleSize: [1, 2, 3] }, { User: 7 }]) {
    assert.throws(() => readExecCreateBody(bad, '1.50'), isInvalidArgument, JSON.stringify(bad));
  }
});

test('readExecStartBody keeps a console size only with a TTY', () => {
  assert.deepEqual(readExecStartBody({ Detach: true }, '1.50'), { detach: true, tty: false });
  assert.deepEqual(readExecStartBody({ Tty: true, ConsoleSize: [5, 6] }, '1.50'), { detach: false, tty: true, consoleSize: { height: 5, width: 6 } });
  assert.deepEqual(readExecStartBody({ Tty: false, ConsoleSize: [5, 6] }, '1.50'), { detach: false, tty: false });
  assert.throws(() => readExecStartBody({ Detach: 1 }, '1.50'), isInvalidArgument);
});

test('toExecInspect renders moby\'s ExecInspectResponse', () => {
  const base = {
    id: 'e1', running: true, tty: false, argv: ['sh', '-c', 'exit 3'], privileged: false, user: '', openStdin: false, openStdout: true,
    openStderr: true, canRemove: false, containerId: 'c1', detachKeys: Uint8Array.of(16, 17), pid: 99,
  };
  assert.deepEqual(toExecInspect(base), {
    ID: 'e1', Running: true, ExitCode: null,
    ProcessConfig: { tty: false, entrypoint: 'sh', arguments: ['-c', 'exit 3'], privileged: false },
    OpenStdin: false, OpenStderr: true, OpenStdout: true, CanRemove: false, ContainerID: 'c1', DetachKeys: 'EBE=', Pid: 99,
  });
  const done = toExecInspect({ ...base, running: false, exitCode: 3, user: 'www', detachKeys: new Uint8Array(), argv: ['ls'] });
  assert.equal(done.ExitCode, 3);
  assert.equal(done.DetachKeys, '');
  assert.deepEqual(done.ProcessConfig, { tty: false, entrypoint: 'ls', arguments: [], privileged: false, user: 'www' });
});
