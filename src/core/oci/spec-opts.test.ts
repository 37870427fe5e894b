import test from 'node:test';
import assert from 'node:assert/strict';
import { defaultSpec } from './spec-defaults.js';
import * as opt from './spec-opts.js';
import { serializeSpec } from './spec.js';

test('composeSpec applies options in order and never changes its base', () => {
  const base = defaultSpec();
  const before = JSON.stringify(base);
  const s = opt.composeSpec(base, opt.withProcessArgs(['a']), opt.withProcessArgs(['b', 'c']), opt.withCwd(''));
  assert.deepEqual(s.process.args, ['b', 'c']);
  assert.equal(s.process.cwd, '/');
  assert.equal(JSON.stringify(base), before);
});

test('withNamespaces: host removes, private adds, a path joins; host UTS drops the hostname', () => {
  const s = opt.composeSpec(
    defaultSpec(),
    opt.withHostname('web', 'example.org'),
    opt.withNamespaces({ network: 'host', ipc: 'host', pid: 'host', uts: 'host', cgroup: 'private' }),
  );
  assert.deepEqual(s.linux.namespaces, [{ type: 'mount' }, { type: 'cgroup' }]);
  assert.equal(s.hostname, undefined);
  assert.equal(s.domainname, 'example.org');
  const joined = opt.composeSpec(
    defaultSpec(),
    opt.withNamespaces({ network: { path: '/run/netns/x' }, ipc: 'private', pid: 'private', uts: 'private', cgroup: 'host' }),
  );
  assert.deepEqual(joined.linux.namespaces, [
    { type: 'mount' }, { type: 'network', path: '/run/netns/x' }, { type: 'uts' }, { type: 'pid' }, { type: 'ipc' },
  ]);
});

test('process options: user, terminal, rlimits, capabilities, no-new-privileges, oom score', () => {
  const s = opt.composeSpec(
    defaultSpec(),
    opt.withUser({ uid: 1000, gid: 100, additionalGids: [100, 27] }),
    opt.withTerminal(true, [40, 120]),
    opt.withRlimits([{ name: 'nofile', soft: 1024, hard: 2048 }, { name: 'core', soft: -1, hard: -1 }]),
    opt.withCapabilities(['CAP_KILL']),
    opt.withNoNewPrivileges(true),
    opt.withOomScoreAdj(-500),
  );
  assert.deepEqual(s.process.user, { uid: 1000, gid: 100, additionalGids: [100, 27] });
  assert.equal(s.process.terminal, true);
  assert.deepEqual(s.process.consoleSize, { height: 40, width: 120 });
  assert.deepEqual(s.process.rlimits?.[0], { type: 'RLIMIT_NOFILE', hard: 2048, soft: 1024 });
  assert.deepEqual(s.process.capabilities, { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], inheritable: [], permitted: ['CAP_KILL'], ambient: [] });
  assert.equal(s.process.noNewPrivileges, true);
  assert.equal(s.process.oomScoreAdj, -500);
  const json = serializeSpec(s);
  assert.match(json, /"type": "RLIMIT_CORE",\s*"hard": 18446744073709551615,\s*"soft": 18446744073709551615/);
  assert.equal(opt.composeSpec(defaultSpec(), opt.withTerminal(false, [40, 120])).process.consoleSize, undefined);
});

test('sysctls merge with the later option winning; empty maps change nothing', () => {
  const s = opt.composeSpec(defaultSpec(), opt.withSysctls({ a: '1', b: '1' }), opt.withSysctls({ b: '2' }), opt.withSysctls({}));
  assert.deepEqual(s.linux.sysctl, { a: '1', b: '2' });
  assert.equal(opt.composeSpec(defaultSpec(), opt.withSysctls({})).linux.sysctl, undefined);
});
