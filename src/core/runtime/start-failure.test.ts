import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyStartFailure } from './start-failure.js';

// Messages as runc 1.1.5 reports them through conmon on this machine.
const NOT_FOUND = 'runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH';
const NO_FILE = 'runc create failed: unable to start container process: exec: "/nosuch": stat /nosuch: no such file or directory';
const DENIED = 'runc create failed: unable to start container process: exec: "/etc": permission denied';

test('a missing command is 127 and the user\'s fault', () => {
  assert.deepEqual(classifyStartFailure(NOT_FOUND, 'nosuch'), { exitCode: 127, invalidConfig: true, message: NOT_FOUND });
  assert.deepEqual(classifyStartFailure(NO_FILE, '/nosuch'), { exitCode: 127, invalidConfig: true, message: NO_FILE });
});

test('"executable file not found" is 127 even when argv[0] is not named in it', () => {
  assert.equal(classifyStartFailure(NOT_FOUND, 'other').exitCode, 127);
});

test('a command that cannot be invoked is 126', () => {
  assert.deepEqual(classifyStartFailure(DENIED, '/etc'), { exitCode: 126, invalidConfig: true, message: DENIED });
});

test('a mount type mismatch gets Docker\'s hint and 127', () => {
  const msg = 'error mounting "/a" to rootfs at "/b": not a directory';
  const r = classifyStartFailure(msg, 'sh');
  assert.equal(r.exitCode, 127);
  assert.equal(r.invalidConfig, true);
  assert.match(r.message, /not a directory: Are you trying to mount a directory onto a file \(or vice-versa\)\?/);
});

test('anything else is a plain runtime failure', () => {
  const msg = 'runc create failed: unable to apply cgroup configuration: mkdir /sys/fs/cgroup/x: read-only file system';
  assert.deepEqual(classifyStartFailure(msg, 'sh'), { invalidConfig: false, message: msg });
  // "no such file or directory" about something other than the command is not a missing command.
  const other = 'runc create failed: open /etc/xyz: no such file or directory';
  assert.equal(classifyStartFailure(other, 'sh').exitCode, undefined);
  assert.equal(classifyStartFailure(other, '').exitCode, undefined);
});
