import test from 'node:test';
import assert from 'node:assert/strict';
import { grantableCapabilities, parseBoundingSet, parseCmdline, parsePasswdNames, parseStatFields, parseStatusIds, readBoundingSet, readProcessInfo } from './proc-stat-process.js';
import { parseBootTime, parseMemTotal, parseSystemCpu, parseUptime } from './proc-stat-system.js';

const STAT = '2483 (my (odd) cmd) S 2477 2477 12588 34817 2483 4194304 101 0 0 0 150 25 0 0 20 -5 3 0 348691 3133440 382 18446744073709551615 1 2 3';

test('parseStatFields takes comm up to the last paren and reads ps\'s fields', () => {
  assert.deepEqual(parseStatFields(STAT), {
    pid: 2483, comm: 'my (odd) cmd', state: 'S', ppid: 2477, pgrp: 2477, sessionId: 12588, ttyNr: 34817, tpgid: 2483,
    utimeTicks: 150, stimeTicks: 25, nice: -5, threads: 3, startTicks: 348691, vsizeBytes: 3133440, rssPages: 382,
  });
  for (const bad of ['', 'garbage', '12 (x) ? 1', '12 (x) S 1 2']) assert.equal(parseStatFields(bad), undefined, bad);
});

test('status, cmdline and passwd parsing', () => {
  assert.deepEqual(parseStatusIds('Name:\tsh\nUid:\t0\t1000\t1000\t1000\nGid:\t0\t50\t50\t50\n'), { uid: 1000, gid: 50 });
  assert.equal(parseStatusIds('Name:\tsh\n'), undefined);
  assert.deepEqual(parseCmdline(Buffer.from('sleep\u00001000\u0000')), ['sleep', '1000']);
  assert.deepEqual(parseCmdline(Buffer.from('sh\u0000-c\u0000echo a\u0000\u0000')), ['sh', '-c', 'echo a', '']);
  assert.deepEqual(parseCmdline(Buffer.alloc(0)), []);
  assert.deepEqual([...parsePasswdNames('root:x:0:0::/:/bin/sh\nbad\nx:x:abc:0\ntoor:x:0:0::/:/bin/sh\nwww:x:33:33::/:/bin/sh\n')], [[0, 'root'], [33, 'www']]);
});

test('system /proc parsers', () => {
  assert.deepEqual(parseSystemCpu('cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 1 1 1 1 1 1\nintr 5\n'), { totalNs: 280_000_000n, onlineCpus: 1 });
  assert.equal(parseSystemCpu('cpu  1 2 x\n'), undefined);
  assert.equal(parseSystemCpu('intr 1\n'), undefined);
  assert.equal(parseBootTime('cpu 1\nbtime 12345\n'), 12345);
  assert.equal(parseBootTime('cpu 1\n'), undefined);
  assert.equal(parseUptime('12.5 3.0\n'), 12.5);
  assert.equal(parseUptime('x'), undefined);
  assert.equal(parseMemTotal('MemTotal:       16384 kB\nMemFree: 1 kB\n'), 16384 * 1024);
});

test('readProcessInfo reads this process and nothing for a pid that does not exist', async () => {
  const me = await readProcessInfo(process.pid);
  assert.equal(me?.pid, process.pid);
  assert.equal(me?.uid, process.geteuid?.());
  assert.ok((me?.args.length ?? 0) > 0);
  assert.equal(await readProcessInfo(2 ** 30), undefined);
  assert.equal(await readProcessInfo(-1), undefined);
});

test('parseBoundingSet reads CapBnd; this process has one', async () => {
  assert.equal(parseBoundingSet('CapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n'), 0x1fffeffffffn);
  assert.equal(parseBoundingSet('Name: x\n'), undefined);
  assert.equal(typeof (await readBoundingSet()), 'bigint');
});

test('grantableCapabilities drops what the bounding set lacks', async (t) => {
  const fs = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-caps-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, 'self'));
  // Bits 0 (CAP_CHOWN) and 21 (CAP_SYS_ADMIN) only.
  await fs.writeFile(path.join(root, 'self', 'status'), 'CapBnd:\t0000000000200001\n');
  assert.deepEqual(await grantableCapabilities(['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE'], root), ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.deepEqual(await grantableCapabilities(['CAP_KILL'], path.join(root, 'missing')), ['CAP_KILL']);
});
