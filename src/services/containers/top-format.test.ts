import test from 'node:test';
import assert from 'node:assert/strict';
import { kindOf } from '../../common/errors.js';
import type { HostProcFacts, ProcessInfo } from '../../core/metrics/container-metrics.js';
import { cpuTime, elapsed, formatPs, parsePsArgs, startTime, ttyName } from './top-format.js';

// Boot at a fixed instant; "now" is 2 hours after a process started 1000 s after boot.
const BOOT = Date.UTC(2026, 10, 22, 8, 0, 0) / 1000;
const facts: HostProcFacts = {
  bootTime: BOOT,
  uptime: 1000 + 7200,
  ticksPerSecond: 100,
  pageSize: 4096,
  memTotalBytes: 1024 * 1024 * 1024,
  userNames: new Map([[0, 'root'], [101, 'systemd-timesync']]),
};
const ctx = { facts, nowMs: (BOOT + 1000 + 7200) * 1000 };

const proc = (over: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid: 4242, ppid: 4200, uid: 0, gid: 0, comm: 'sleep', args: ['sleep', '1000'], state: 'S', ttyNr: 0, sessionId: 4242, tpgid: -1,
  pgrp: 4242, nice: 0, threads: 1, utimeTicks: 7200, stimeTicks: 0, startTicks: 1000 * 100, vsizeBytes: 2268 * 1024, rssPages: 426, ...over,
});

test('parsePsArgs: the default is ps -ef\'s columns', () => {
  const titles = (a: string): string[] => formatPs(parsePsArgs(a), [], ctx).titles;
  assert.deepEqual(titles(''), ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(titles('-ef'), titles('-e -f'));
  assert.deepEqual(titles('aux'), ['USER', 'PID', '%CPU', '%MEM', 'VSZ', 'RSS', 'TTY', 'STAT', 'START', 'TIME', 'COMMAND']);
  assert.deepEqual(titles('-aux'), titles('aux'));
  assert.deepEqual(titles('-e'), ['PID', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(titles('-o pid,comm'), ['PID', 'COMMAND']);
  assert.deepEqual(titles('-opid,user=WHO -o args'), ['PID', 'WHO', 'COMMAND']);
  assert.deepEqual(titles('xo pid,%cpu,etime'), ['PID', '%CPU', 'ELAPSED']);
});

test('parsePsArgs refuses what it cannot do', () => {
  for (const bad of ['-L', 'axjf', '-o nosuch', '-ely', '-q 1']) {
    assert.throws(() => parsePsArgs(bad), (err: Error) => kindOf(err) === 'NotImplemented', bad);
  }
  assert.throws(() => parsePsArgs('-o user=PID'), /specifying "user=PID" is not allowed/);
  assert.throws(() => parsePsArgs('-o'), (err: Error) => kindOf(err) === 'InvalidArgument');
});

test('formatPs renders ps -ef and aux rows from /proc numbers', () => {
  const p = proc();
  const ef = formatPs(parsePsArgs('-ef'), [p], ctx);
  const started = new Date((BOOT + 1000) * 1000);
  const hhmm = `${String(started.getHours()).padStart(2, '0')}:${String(started.getMinutes()).padStart(2, '0')}`;
  assert.deepEqual(ef.processes, [['root', '4242', '4200', '1', hhmm, '?', '00:01:12', 'sleep 1000']]);
  const aux = formatPs(parsePsArgs('aux'), [p], ctx);
  assert.deepEqual(aux.processes, [['root', '4242', '1.0', '0.1', '2268', '1704', '?', 'Ss', hhmm, '1:12', 'sleep 1000']]);
});

test('formatPs columns: users, kernel threads, zombies, terminals, flags', () => {
  const rows = formatPs(parsePsArgs('-o user,uid,args,comm,tty,stat'), [
    proc({ uid: 101, args: [], comm: 'kworker', tpgid: 4242, nice: -5, threads: 3, ttyNr: (136 << 8) | 2 }),
    proc({ uid: 5000, args: [], state: 'Z', comm: 'sh', sessionId: 1, nice: 10 }),
  ], ctx).processes;
  assert.deepEqual(rows[0], ['systemd+', '101', '[kworker]', 'kworker', 'pts/2', 'S<sl+']);
  assert.deepEqual(rows[1], ['5000', '5000', '[sh] <defunct>', 'sh <defunct>', '?', 'ZN']);
});

test('ps time helpers', () => {
  assert.equal(cpuTime(0), '00:00:00');
  assert.equal(cpuTime(3 * 86400 + 3661), '3-01:01:01');
  assert.equal(elapsed(59), '00:59');
  assert.equal(elapsed(3661), '01:01:01');
  assert.equal(elapsed(86400 + 5), '1-00:00:05');
  assert.equal(ttyName(0), '?');
  assert.equal(ttyName((4 << 8) | 1), 'tty1');
  assert.equal(ttyName((4 << 8) | 65), 'ttyS1');
  assert.equal(ttyName((137 << 8) | 1), 'pts/257');
  assert.equal(ttyName((5 << 8) | 1), 'console');
  const old = { ...facts, bootTime: BOOT - 400 * 86400 };
  assert.equal(startTime(proc({ startTicks: 0 }), { facts: old, nowMs: ctx.nowMs }), String(new Date((BOOT - 400 * 86400) * 1000).getFullYear()));
  const yesterday = new Date((BOOT - 86400) * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  assert.equal(
    startTime(proc({ startTicks: 0 }), { facts: { ...facts, bootTime: BOOT - 86400 }, nowMs: ctx.nowMs }),
    `${months[yesterday.getMonth()]}${String(yesterday.getDate()).padStart(2, '0')}`,
  );
});
