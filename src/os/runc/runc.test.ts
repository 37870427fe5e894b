import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runcError, runcMessage } from './runc-error.js';
import { Runc, parseRuncState } from './runc.js';

test('runcMessage finds the error in JSON logs, logrus text and plain text', () => {
  assert.equal(runcMessage('{"level":"error","msg":"container does not exist","time":"2026-11-22T16:51:46Z"}\n'), 'container does not exist');
  assert.equal(runcMessage('{"level":"warning","msg":"w","time":"t"}\n{"level":"error","msg":"e","time":"t"}\n'), 'e');
  assert.equal(runcMessage('time="2026-11-22T16:27:04Z" level=error msg="runc create failed: exec: \\"nosuch\\": executable file not found in $PATH"\n'),
    'runc create failed: exec: "nosuch": executable file not found in $PATH');
  assert.equal(runcMessage('  plain failure \n'), 'plain failure');
  assert.equal(runcMessage('{not json'), '{not json');
  assert.equal(runcMessage(''), '');
});

test('runcError classifies runc\'s messages', () => {
  const cases: Array<[string, string, string]> = [
    ['container does not exist', 'NotFound', 'WHARF_NO_SUCH_RUNTIME_CONTAINER'],
    ['container with id exists: c1', 'AlreadyExists', 'WHARF_RUNTIME_CONTAINER_EXISTS'],
    ['container not running', 'Conflict', 'WHARF_RUNTIME_STATE_CONFLICT'],
    ['container not paused', 'Conflict', 'WHARF_RUNTIME_STATE_CONFLICT'],
    ['cannot start a container that has stopped', 'Conflict', 'WHARF_RUNTIME_STATE_CONFLICT'],
    ['cannot start a container in the paused state', 'Conflict', 'WHARF_RUNTIME_STATE_CONFLICT'],
    ['cannot delete container c1 that is not stopped: paused', 'Conflict', 'WHARF_RUNTIME_STATE_CONFLICT'],
    ['unable to freeze', 'Internal', 'WHARF_RUNTIME_FAILED'],
  ];
  for (const [msg, kind, code] of cases) {
    const e = runcError('kill', 'c1', msg);
    assert.equal(e.kind, kind, msg);
    assert.equal(e.code, code, msg);
    assert.equal(e.message, `runc kill c1: ${msg}`);
  }
});

test('parseRuncState reads status and pid and rejects anything else', () => {
  assert.deepEqual(parseRuncState('{"ociVersion":"1.0.2-dev","id":"c","pid":42,"status":"running"}', 'c'), { status: 'running', pid: 42 });
  assert.deepEqual(parseRuncState('{"id":"c","pid":0,"status":"stopped"}', 'c'), { status: 'stopped', pid: 0 });
  for (const out of ['', 'null', '{"status":"weird","pid":1}', '{"status":"running"}', '[]']) {
    assert.throws(() => parseRuncState(out, 'c'), { code: 'WHARF_RUNTIME_FAILED' }, out);
  }
});

test('Runc.run passes global flags and input, and maps failures (with a stand-in runc)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-runc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fake = path.join(dir, 'runc');
  fs.writeFileSync(fake, `#!/bin/sh
case "$6" in
  state) echo '{"level":"error","msg":"container does not exist","time":"t"}' >&2; exit 1;;
  list) echo 'null';;
  update) cat; echo " $*";;
  *) echo "$*";;
esac
`, { mode: 0o755 });
  const runc = new Runc({ path: fake, root: '/run/x/runc', globalArgs: ['--debug'] });
  assert.equal((await runc.run('start', 'c1', ['start', 'c1'])).trim(), '--root /run/x/runc --log-format json --debug start c1');
  assert.equal((await runc.run('update', 'c1', ['update', '--resources', '-', 'c1'], '{"x":1}')).trim(), '{"x":1} --root /run/x/runc --log-format json --debug update --resources - c1');
  assert.equal(await runc.state('c1'), undefined);
  assert.deepEqual(await runc.list(), []);
  const missing = new Runc({ path: path.join(dir, 'nope'), root: '/r' });
  await assert.rejects(missing.run('start', 'c1', ['start', 'c1']), { code: 'WHARF_RUNTIME_FAILED', message: /ENOENT/ });
});
