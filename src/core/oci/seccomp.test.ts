import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from '../container/capabilities.js';
import { convertSeccompProfile, nativeSeccompArch, type SeccompContext } from './seccomp.js';
import { DEFAULT_SECCOMP_PROFILE_PATH, loadSeccompProfile, parseSeccompProfile } from './seccomp-profile.js';

const PROFILE = JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  ],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [], comment: '', includes: {}, excludes: {} },
    { name: 'personality', action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
    { names: ['not_on_arm'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['arm64'] } },
    { names: ['bpf'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['two_caps'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] } },
    { names: ['new_call'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.8' } },
    { names: ['old_fallback'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { minKernel: '5.8' } },
  ],
});

const ctx = (over: Partial<SeccompContext> = {}): SeccompContext => ({
  arch: 'amd64', capabilities: DEFAULT_CAPABILITIES, kernelRelease: '6.1.0-18-amd64', ...over,
});

const names = (c: SeccompContext): string[] =>
  (convertSeccompProfile(parseSeccompProfile(PROFILE), c)?.syscalls ?? []).map((s) => `${s.names.join(',')}:${s.action}`);

test('convertSeccompProfile keeps the native architecture and its sub-architectures only', () => {
  const p = parseSeccompProfile(PROFILE);
  assert.deepEqual(convertSeccompProfile(p, ctx())?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(convertSeccompProfile(p, ctx({ arch: 'arm64' }))?.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.equal(convertSeccompProfile(p, ctx({ arch: 's390x' }))?.architectures, undefined);
  assert.equal(convertSeccompProfile(p, ctx())?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(convertSeccompProfile(p, ctx())?.defaultErrnoRet, 1);
});

test('rules are selected by includes and excludes on caps, arches and kernel version', () => {
  assert.deepEqual(names(ctx()), [
    'read,write:SCMP_ACT_ALLOW', 'personality:SCMP_ACT_ALLOW', 'arch_prctl:SCMP_ACT_ALLOW', 'not_on_arm:SCMP_ACT_ALLOW',
    'bpf:SCMP_ACT_ERRNO', 'new_call:SCMP_ACT_ALLOW',
  ]);
  assert.deepEqual(names(ctx({ arch: 'arm64', capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], kernelRelease: '5.4.0' })), [
    'read,write:SCMP_ACT_ALLOW', 'personality:SCMP_ACT_ALLOW', 'bpf:SCMP_ACT_ALLOW', 'old_fallback:SCMP_ACT_ERRNO',
  ]);
  assert.ok(names(ctx({ capabilities: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] })).includes('two_caps:SCMP_ACT_ALLOW'));
  assert.ok(!names(ctx({ capabilities: ['CAP_SYS_ADMIN'] })).includes('two_caps:SCMP_ACT_ALLOW'), 'includes need every cap');
});

test('rule fields convert to the OCI form (name becomes names, zero valueTwo and empty args dropped)', () => {
  const out = convertSeccompProfile(parseSeccompProfile(PROFILE), ctx());
  assert.deepEqual(out?.syscalls[0], { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' });
  assert.deepEqual(out?.syscalls[1], { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] });
  assert.deepEqual(out?.syscalls[4], { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 });
});

test('profiles Docker refuses are refused with Docker\'s words', () => {
  const cases: [unknown, RegExp][] = [
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] }, /both 'architectures' and 'archMap' are specified/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] }, /both 'name' and 'names' are specified/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5' } }] }, /invalid kernel version: "5"/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '0.0' } }] }, /invalid kernel version/],
    [{ defaultAction: 5 }, /defaultAction: expected a string/],
    [{ syscalls: {} }, /syscalls: expected an array/],
    [[1], /profile: expected an object/],
  ];
  for (const [profile, message] of cases) {
    assert.throws(() => parseSeccompProfile(JSON.stringify(profile)), (err: unknown) => {
      assert.match((err as Error).message, /^Decoding seccomp profile failed: /);
      assert.match((err as Error).message, message);
      assert.equal((err as { code?: string }).code, 'WHARF_INVALID_SECCOMP_PROFILE');
      return true;
    });
  }
  assert.throws(() => parseSeccompProfile('{'), /^Error: Decoding seccomp profile failed: |Decoding seccomp profile failed/);
});

test('field names match case-insensitively, like Go\'s encoding/json', () => {
  const p = parseSeccompProfile(JSON.stringify({ DefaultAction: 'SCMP_ACT_ALLOW', Syscalls: [{ Names: ['x'], Action: 'SCMP_ACT_LOG' }] }));
  assert.equal(p.defaultAction, 'SCMP_ACT_ALLOW');
  assert.deepEqual(p.syscalls[0]?.names, ['x']);
});

test('a profile with no default action and no rules means no seccomp', () => {
  assert.equal(convertSeccompProfile(parseSeccompProfile('{}'), ctx()), undefined);
});

test('nativeSeccompArch maps Node architectures to libseccomp names', () => {
  assert.equal(nativeSeccompArch('x64'), 'amd64');
  assert.equal(nativeSeccompArch('arm64'), 'arm64');
  assert.equal(nativeSeccompArch('ia32'), 'x86');
  assert.equal(nativeSeccompArch('ppc64', 'LE'), 'ppc64le');
  assert.equal(nativeSeccompArch('ppc64', 'BE'), 'ppc64');
});

test('the Debian default profile converts with Docker\'s capability rules', async (t) => {
  if (!fs.existsSync(DEFAULT_SECCOMP_PROFILE_PATH)) return t.skip('golang-github-containers-common is not installed');
  const profile = await loadSeccompProfile();
  assert.equal(await loadSeccompProfile(), profile, 'parsed once and cached');
  const find = (caps: readonly string[], arch: string, name: string) =>
    convertSeccompProfile(profile, { arch, capabilities: caps, kernelRelease: '6.1.0' })?.syscalls.filter((s) => s.names.includes(name)) ?? [];
  const dflt = convertSeccompProfile(profile, { arch: 'amd64', capabilities: DEFAULT_CAPABILITIES, kernelRelease: '6.1.0' });
  assert.deepEqual(dflt?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(find(DEFAULT_CAPABILITIES, 'amd64', 'open_by_handle_at').map((s) => s.action), ['SCMP_ACT_ERRNO']);
  assert.deepEqual(find([...DEFAULT_CAPABILITIES, 'CAP_DAC_READ_SEARCH'], 'amd64', 'open_by_handle_at').map((s) => s.action), ['SCMP_ACT_ALLOW']);
  assert.deepEqual(find(DEFAULT_CAPABILITIES, 'amd64', 'bpf').map((s) => s.action), ['SCMP_ACT_ERRNO']);
  assert.deepEqual(find(KNOWN_CAPABILITIES, 'amd64', 'bpf').map((s) => s.action), ['SCMP_ACT_ALLOW']);
  assert.equal(find(DEFAULT_CAPABILITIES, 'amd64', 'arch_prctl').length, 1);
  assert.equal(find(DEFAULT_CAPABILITIES, 'arm64', 'arch_prctl').length, 0);
  assert.equal(find(DEFAULT_CAPABILITIES, 'amd64', 'chroot')[0]?.action, 'SCMP_ACT_ALLOW', 'SYS_CHROOT is a default capability');
  // CAP_AUDIT_WRITE is a default: the unrestricted socket rule applies, the argument-filtered ones do not.
  assert.deepEqual(find(DEFAULT_CAPABILITIES, 'amd64', 'socket').map((s) => s.args ?? null), [null]);
  const noAudit = DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_AUDIT_WRITE');
  assert.equal(find(noAudit, 'amd64', 'socket').length, 4);
});

test('loadSeccompProfile reports a missing file and does not cache the failure', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-seccomp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'p.json');
  await assert.rejects(loadSeccompProfile(file), { code: 'ENOENT' });
  fs.writeFileSync(file, PROFILE);
  assert.equal((await loadSeccompProfile(file)).syscalls.length, 9);
});
