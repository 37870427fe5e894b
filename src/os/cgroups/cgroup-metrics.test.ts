import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseBlkioFile, parseCounter, parseCounterList, parseFlatKeyed, parseIoStat } from './cgroup-files.js';
import { CgroupMetrics } from './cgroup-metrics.js';
import { cgroupDir, parseCgroupMounts } from './cgroup-mounts.js';

const MOUNTINFO_V1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
42 31 0:39 / /sys/fs/cgroup/net\\040cls rw - cgroup cgroup rw,net_cls,net_prio`;

test('parseCgroupMounts finds v1 controllers (hybrid hosts count as v1) and pure v2', () => {
  const v1 = parseCgroupMounts(MOUNTINFO_V1);
  assert.equal(v1.version, 1);
  assert.equal(v1.controllers.get('memory'), '/sys/fs/cgroup/memory');
  assert.equal(v1.controllers.get('net_prio'), '/sys/fs/cgroup/net cls');
  assert.equal(v1.controllers.has('name=systemd'), false);
  assert.equal(v1.unified, '/sys/fs/cgroup/unified');
  const v2 = parseCgroupMounts('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\ngarbage line\n');
  assert.deepEqual([v2.version, v2.unified], [2, '/sys/fs/cgroup']);
});

test('cgroupDir joins below the mount and never climbs out', () => {
  assert.equal(cgroupDir('/sys/fs/cgroup/memory/', '/wharf/abc'), '/sys/fs/cgroup/memory/wharf/abc');
  assert.equal(cgroupDir('/m', '../../etc/./x'), '/m/etc/x');
});

test('cgroup file parsers', () => {
  assert.equal(parseCounter('9223372036854771712\n'), 9223372036854771712n);
  assert.equal(parseCounter('max\n'), undefined);
  assert.deepEqual(parseFlatKeyed('cache 10\nrss 20\nbad\nx y\ntotal_rss 30 extra\n'), { cache: 10n, rss: 20n });
  assert.deepEqual(parseCounterList('1 2 3 \n'), [1n, 2n, 3n]);
  assert.deepEqual(parseBlkioFile('8:0 Read 4096\n8:0 Write 0\n8:16 12\nTotal 4096\nbroken\n'), [
    { major: 8, minor: 0, op: 'Read', value: 4096n },
    { major: 8, minor: 0, op: 'Write', value: 0n },
    { major: 8, minor: 16, op: '', value: 12n },
  ]);
  assert.deepEqual(parseIoStat('8:0 rbytes=100 wbytes=200 rios=1 wios=2\nnope\n'), [
    { major: 8, minor: 0, op: 'read', value: 100n },
    { major: 8, minor: 0, op: 'write', value: 200n },
  ]);
});

async function tree(t: TestContext, files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-cgroup-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), text);
  }
  return root;
}

const CG = 'wharf/c1';

test('CgroupMetrics reads a v1 container cgroup as containerd and moby do', async (t) => {
  const root = await tree(t, {
    [`cpuacct/${CG}/cpuacct.usage`]: '5000000000\n',
    [`cpuacct/${CG}/cpuacct.usage_percpu`]: '3000000000 2000000000 \n',
    [`cpuacct/${CG}/cpuacct.stat`]: 'user 300\nsystem 100\n',
    [`cpu/${CG}/cpu.stat`]: 'nr_periods 10\nnr_throttled 2\nthrottled_time 777\n',
    [`memory/${CG}/memory.usage_in_bytes`]: '1048576\n',
    [`memory/${CG}/memory.max_usage_in_bytes`]: '2097152\n',
    [`memory/${CG}/memory.limit_in_bytes`]: '9223372036854771712\n',
    [`memory/${CG}/memory.failcnt`]: '0\n',
    [`memory/${CG}/memory.stat`]: 'cache 4096\nrss 8192\ntotal_inactive_file 100\n',
    [`pids/${CG}/pids.current`]: '3\n',
    [`pids/${CG}/pids.max`]: 'max\n',
    [`pids/${CG}/cgroup.procs`]: '12\n10\n11\n',
    [`blkio/${CG}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 8192\nTotal 12288\n',
    [`blkio/${CG}/blkio.throttle.io_serviced_recursive`]: '8:0 Read 1\n8:0 Write 2\nTotal 3\n',
    'proc/stat': 'cpu  100 0 50 800 10 0 5 0 0 0\ncpu0 50 0 25 400 5 0 2 0 0 0\ncpu1 50 0 25 400 5 0 3 0 0 0\nintr 1\nbtime 1795363407\n',
    'proc/uptime': '3486.91 3832.17\n',
    'proc/meminfo': 'MemTotal:        2048 kB\n',
    'passwd': 'root:x:0:0::/root:/bin/sh\n',
  });
  const mounts = parseCgroupMounts(MOUNTINFO_V1.replaceAll('/sys/fs/cgroup', root));
  const m = new CgroupMetrics({ mounts, procRoot: path.join(root, 'proc'), passwdPath: path.join(root, 'passwd') });
  assert.deepEqual(await m.pids(`/${CG}`), [10, 11, 12]);
  assert.deepEqual(await m.pids('/wharf/gone'), []);
  const s = await m.cgroupStats(`/${CG}`);
  assert.equal(s?.version, 1);
  assert.deepEqual(s?.cpu, { totalNs: 5_000_000_000n, perCpuNs: [3_000_000_000n, 2_000_000_000n], userNs: 3_000_000_000n, systemNs: 1_000_000_000n, periods: 10n, throttledPeriods: 2n, throttledNs: 777n });
  assert.deepEqual(s?.memory, { usage: 1048576n, maxUsage: 2097152n, limit: 9223372036854771712n, failcnt: 0n, stats: { cache: 4096n, rss: 8192n, total_inactive_file: 100n } });
  assert.deepEqual(s?.pids, { current: 3n });
  assert.deepEqual(s?.blkio?.serviceBytes.map((e) => [e.op, e.value]), [['Read', 4096n], ['Write', 8192n]]);
  assert.equal(s?.blkio?.serviced.length, 2);
  assert.deepEqual(s?.blkio?.sectors, []);
  assert.equal(await m.cgroupStats('/wharf/gone'), undefined);
  assert.deepEqual(await m.hostCpu(), { totalNs: 9_650_000_000n, onlineCpus: 2 });
  const facts = await m.hostFacts();
  assert.deepEqual([facts.bootTime, facts.uptime, facts.memTotalBytes, facts.userNames.get(0)], [1795363407, 3486.91, 2048 * 1024, 'root']);
});

test('CgroupMetrics reads a v2 container cgroup', async (t) => {
  const root = await tree(t, {
    [`${CG}/cpu.stat`]: 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    [`${CG}/memory.current`]: '4096\n',
    [`${CG}/memory.max`]: 'max\n',
    [`${CG}/memory.events`]: 'low 0\nhigh 0\nmax 0\noom 2\noom_kill 1\n',
    [`${CG}/memory.stat`]: 'anon 1024\nfile 2048\n',
    [`${CG}/pids.current`]: '1\n',
    [`${CG}/pids.max`]: '50\n',
    [`${CG}/io.stat`]: '8:0 rbytes=1 wbytes=2 rios=3 wios=4\n',
    [`${CG}/cgroup.procs`]: '77\n',
  });
  const m = new CgroupMetrics({ mounts: { version: 2, controllers: new Map(), unified: root } });
  assert.deepEqual(await m.pids(`/${CG}`), [77]);
  const s = await m.cgroupStats(`/${CG}`);
  assert.deepEqual(s?.cpu, { totalNs: 2_000_000n, userNs: 1_500_000n, systemNs: 500_000n, periods: 0n, throttledPeriods: 0n, throttledNs: 0n });
  assert.deepEqual(s?.memory, { usage: 4096n, failcnt: 2n, stats: { anon: 1024n, file: 2048n } });
  assert.deepEqual(s?.pids, { current: 1n, limit: 50n });
  assert.deepEqual(s?.blkio?.serviceBytes.map((e) => e.op), ['read', 'write']);
});
