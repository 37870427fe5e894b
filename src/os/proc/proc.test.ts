import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, parseProcStat, readProcStat } from './proc-stat.js';
import { parsePid, readPidFile } from './pid-file.js';

const SLEEP = '4242 (sleep) S 4200 4242 4200 34816 4242 4194304 111 0 0 0 0 0 0 0 20 0 1 0 987654 5607424 136 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-proc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('parseProcStat reads pid, comm, state, ppid and start time', () => {
  assert.deepEqual(parseProcStat(SLEEP), { pid: 4242, comm: 'sleep', state: 'S', ppid: 4200, startTime: 987654 });
});

test('parseProcStat takes comm up to the last parenthesis', () => {
  const tricky = SLEEP.replace('(sleep)', '(a) Z 1 (b)');
  assert.deepEqual(parseProcStat(tricky), { pid: 4242, comm: 'a) Z 1 (b', state: 'S', ppid: 4200, startTime: 987654 });
  assert.equal(parseProcStat(SLEEP.replace('(sleep)', '(my prog)'))?.comm, 'my prog');
});

test('parseProcStat recognises a zombie', () => {
  assert.equal(parseProcStat(SLEEP.replace(') S ', ') Z '))?.state, 'Z');
});

test('parseProcStat rejects what is not a stat line', () => {
  for (const text of ['', 'garbage', '42 (x', 'x (y) S 1', '0 (init) S 0 0', '-1 (a) S 1', '42 (a) SS 1 2', SLEEP.split(' ').slice(0, 10).join(' ')]) {
    assert.equal(parseProcStat(text), undefined, JSON.stringify(text));
  }
});

test('readProcStat and isAlive see this process and not a missing one', async () => {
  const me = await readProcStat(process.pid);
  assert.equal(me?.pid, process.pid);
  assert.equal(await isAlive(process.pid), true);
  assert.equal(await isAlive(process.pid, { comm: 'surely-not-this' }), false);
  assert.equal(await isAlive(4_194_304 + 1), false);
  assert.equal(await isAlive(0), false);
  assert.equal(await readProcStat(-5), undefined);
});

test('isAlive treats a zombie and a dead process as gone (fake /proc)', async (t) => {
  const root = tempDir(t);
  for (const [pid, state] of [[10, 'Z'], [11, 'X'], [12, 'S'], [13, 'D']] as const) {
    fs.mkdirSync(path.join(root, String(pid)));
    fs.writeFileSync(path.join(root, String(pid), 'stat'), SLEEP.replace('4242', String(pid)).replace(') S ', `) ${state} `));
  }
  assert.equal(await isAlive(10, { procRoot: root }), false);
  assert.equal(await isAlive(11, { procRoot: root }), false);
  assert.equal(await isAlive(12, { procRoot: root }), true);
  assert.equal(await isAlive(13, { procRoot: root, comm: 'sleep' }), true);
  assert.equal(await isAlive(14, { procRoot: root }), false);
});

test('parsePid accepts a decimal pid with whitespace and nothing else', () => {
  assert.equal(parsePid('123'), 123);
  assert.equal(parsePid(' 123\n'), 123);
  assert.equal(parsePid('4194304'), 4194304);
  for (const t of ['', '\n', '0', '-1', '1e3', '12a', '4194305', '99999999', '1 2', '0x10']) assert.equal(parsePid(t), undefined, JSON.stringify(t));
});

test('readPidFile returns undefined for absent, empty or malformed files', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'pid');
  assert.equal(await readPidFile(file), undefined);
  fs.writeFileSync(file, '');
  assert.equal(await readPidFile(file), undefined);
  fs.writeFileSync(file, 'x'.repeat(1000));
  assert.equal(await readPidFile(file), undefined);
  fs.writeFileSync(file, '31337');
  assert.equal(await readPidFile(file), 31337);
  await assert.rejects(readPidFile(dir), { code: 'EISDIR' });
});
