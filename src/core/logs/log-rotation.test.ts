import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logFileSet, rotateLogFiles } from './log-files.js';
import { LogRotation } from './log-rotation.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-logrot-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const read = (f: string): string => fs.readFileSync(f, 'utf8');

test('logFileSet lists rotated files oldest first and stops at the first gap', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  assert.deepEqual(await logFileSet(file), []);
  for (const f of [file, `${file}.1`, `${file}.2`, `${file}.4`]) fs.writeFileSync(f, '');
  assert.deepEqual(await logFileSet(file), [`${file}.2`, `${file}.1`, file]);
  fs.rmSync(file);
  assert.deepEqual(await logFileSet(file), [`${file}.2`, `${file}.1`]);
});

test('rotateLogFiles shifts files and drops the oldest beyond maxFiles', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  fs.writeFileSync(file, 'gen1');
  await rotateLogFiles(file, 3);
  fs.writeFileSync(file, 'gen2');
  await rotateLogFiles(file, 3);
  fs.writeFileSync(file, 'gen3');
  await rotateLogFiles(file, 3);
  fs.writeFileSync(file, 'gen4');
  assert.deepEqual([read(file), read(`${file}.1`), read(`${file}.2`)], ['gen4', 'gen3', 'gen2']);
  assert.equal(fs.existsSync(`${file}.3`), false);
  // The dropped file is moved aside for the caller to delete, outside the set readers see.
  const dropped = await rotateLogFiles(file, 3);
  assert.match(path.basename(dropped), /^ctr\.log\.discard-[0-9a-f]{12}$/);
  assert.equal(read(dropped), 'gen2');
  assert.deepEqual(await logFileSet(file), [`${file}.2`, `${file}.1`]);
  fs.writeFileSync(file, 'gen5');
  assert.equal(read(await rotateLogFiles(file, 1)), 'gen5');
  assert.equal(fs.existsSync(file), false, 'max-file 1 just drops the live file');
  assert.equal(fs.existsSync(await rotateLogFiles(file, 1)), false, 'nothing to drop: the returned name does not exist');
});

test('rotateLogFiles rejects a bad maxFiles', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  for (const n of [0, -1, 1.5, 1000]) await assert.rejects(rotateLogFiles(file, n), RangeError);
});

test('LogRotation rotates once max-size is reached and asks the writer to reopen', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  let reopened = 0;
  const rotation = new LogRotation({
    path: file, maxSize: 10, maxFiles: 2,
    reopen: async () => {
      reopened++;
      fs.writeFileSync(file, '');
    },
  });
  assert.equal(await rotation.check(), false, 'no file yet');
  fs.writeFileSync(file, '123456789');
  assert.equal(await rotation.check(), false);
  fs.appendFileSync(file, '0');
  assert.equal(await rotation.check(), true);
  assert.equal(reopened, 1);
  assert.equal(read(`${file}.1`), '1234567890');
  assert.equal(read(file), '');
  // A second rotation drops the oldest file once the writer has reopened: nothing else stays in the directory.
  fs.writeFileSync(file, 'abcdefghij');
  assert.equal(await rotation.check(), true);
  for (let i = 0; i < 100 && fs.readdirSync(path.dirname(file)).length > 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['ctr.log', 'ctr.log.1']);
  assert.equal(read(`${file}.1`), 'abcdefghij');
});

test('LogRotation.start checks periodically until stopped', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  fs.writeFileSync(file, 'x'.repeat(100));
  let reopened = 0;
  const rotation = new LogRotation({ path: file, maxSize: 50, maxFiles: 3, pollMs: 10, reopen: async () => void reopened++ });
  t.after(() => rotation.stop());
  rotation.start();
  for (let i = 0; i < 100 && reopened === 0; i++) await new Promise((r) => setTimeout(r, 10));
  rotation.stop();
  assert.equal(reopened, 1);
  assert.equal(fs.existsSync(`${file}.1`), true);
});

test('LogRotation rejects a bad configuration', () => {
  const reopen = async (): Promise<void> => undefined;
  assert.throws(() => new LogRotation({ path: 'x', maxSize: 0, maxFiles: 2, reopen }), RangeError);
  assert.throws(() => new LogRotation({ path: 'x', maxSize: 10, maxFiles: 0, reopen }), RangeError);
});
