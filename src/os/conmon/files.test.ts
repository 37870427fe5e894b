import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CtlWriter, REOPEN_LOG_MESSAGE, resizeMessage } from './ctl-fifo.js';
import { ExitWatcher, parseExitCode, readExitFile } from './exit-files.js';
import type { ExitInfo } from '../../core/runtime/container-runtime.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-conmon-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('parseExitCode accepts what conmon writes', () => {
  assert.equal(parseExitCode('0'), 0);
  assert.equal(parseExitCode('137'), 137);
  assert.equal(parseExitCode('-1'), -1);
  for (const t of ['', 'x', '1.5', '12345678901', '1 2']) assert.equal(parseExitCode(t), undefined, t);
});

test('readExitFile returns code, mtime and OOM; undefined without a complete file', async (t) => {
  const dir = tempDir(t);
  const exit = path.join(dir, 'c1');
  const oom = path.join(dir, 'oom');
  assert.equal(await readExitFile(exit, oom), undefined);
  fs.writeFileSync(exit, '');
  assert.equal(await readExitFile(exit, oom), undefined);
  fs.writeFileSync(exit, '137');
  const when = new Date('2026-01-02T03:04:05.678Z');
  fs.utimesSync(exit, when, when);
  assert.deepEqual(await readExitFile(exit, oom), { exitCode: 137, exitedAt: when, oomKilled: false });
  fs.writeFileSync(oom, '');
  assert.equal((await readExitFile(exit, oom))?.oomKilled, true);
});

test('ExitWatcher reports new exit files once, existing ones on request, and ignores unknown names', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'old'), '0');
  const known = new Set(['old', 'c1', 'c2']);
  const seen: Array<[string, number]> = [];
  const make = (existing: boolean): ExitWatcher => new ExitWatcher((id, e: ExitInfo) => seen.push([id, e.exitCode]), {
    dir, existing, pollMs: 50,
    read: (id) => readExitFile(path.join(dir, id), path.join(dir, `${id}.oom`)),
    known: async (id) => known.has(id),
  });
  const w = make(false);
  t.after(() => w.close());
  await w.start();
  fs.writeFileSync(path.join(dir, 'c1.Xy12ab'), '5'); // conmon's temporary name before the rename
  fs.renameSync(path.join(dir, 'c1.Xy12ab'), path.join(dir, 'c1'));
  fs.writeFileSync(path.join(dir, 'stranger'), '9');
  await until(() => seen.length >= 1);
  await new Promise((r) => setTimeout(r, 150)); // a few rescans: still reported once
  assert.deepEqual(seen, [['c1', 5]]);
  // The same ID exiting again later (a restarted container) is a new exit.
  fs.rmSync(path.join(dir, 'c1'));
  await new Promise((r) => setTimeout(r, 120));
  fs.writeFileSync(path.join(dir, 'c1'), '7');
  await until(() => seen.length >= 2);
  assert.deepEqual(seen[1], ['c1', 7]);
  w.close();

  seen.length = 0;
  const w2 = make(true);
  t.after(() => w2.close());
  await w2.start();
  assert.deepEqual(seen.map(([id]) => id).sort(), ['c1', 'old']);
});

test('CtlWriter writes one message per line to the FIFO and coalesces pending resizes', async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, 'ctl');
  execFileSync('mkfifo', [fifo]);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  t.after(() => fs.closeSync(reader));
  const ctl = new CtlWriter();
  await Promise.all([
    ctl.resize(fifo, { height: 10, width: 20 }),
    ctl.resize(fifo, { height: 11, width: 21 }),
    ctl.resize(fifo, { height: 12, width: 22 }),
    ctl.send(fifo, REOPEN_LOG_MESSAGE),
  ]);
  const buf = Buffer.alloc(1000);
  const read = (): string => buf.toString('utf8', 0, fs.readSync(reader, buf, 0, buf.length, null));
  assert.equal(read(), '1 12 22\n2 0 0\n', 'resizes not yet written give way to the newest');
  await ctl.resize(fifo, { height: 30, width: 100 });
  await ctl.resize(fifo, { height: 40, width: 120 });
  assert.equal(read(), '1 30 100\n1 40 120\n');
});

test('CtlWriter reports a monitor that is gone', async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, 'ctl');
  execFileSync('mkfifo', [fifo]);
  const ctl = new CtlWriter();
  await assert.rejects(ctl.resize(fifo, { height: 1, width: 1 }), { kind: 'Unavailable', code: 'WHARF_MONITOR_GONE' });
  await assert.rejects(ctl.send(path.join(dir, 'none'), REOPEN_LOG_MESSAGE), { code: 'WHARF_MONITOR_GONE' });
});

test('resizeMessage validates the size', () => {
  assert.equal(resizeMessage({ height: 24, width: 80 }), '1 24 80\n');
  for (const s of [{ height: -1, width: 1 }, { height: 1, width: 1.5 }, { height: 70000, width: 1 }]) {
    assert.throws(() => resizeMessage(s), { kind: 'InvalidArgument', code: 'WHARF_INVALID_TERMINAL_SIZE' });
  }
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
