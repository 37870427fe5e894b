import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { capabilityMask, KNOWN_CAPABILITIES } from '../container/capabilities.js';
import type { ContainerSpec } from '../container/container-spec.js';
import { validateCreateRequest } from '../container/create-config.js';
import { resolveUserFrom } from '../container/user.js';
import type { ContainerConfig } from '../image/oci.js';
import { buildSpec, containerHostname, type BuildSpecInput } from './build-spec.js';
import { parseSeccompProfile } from './seccomp-profile.js';
import { serializeSpec, type OciSpec } from './spec.js';
import type { SpecHost } from './spec-host.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const GOLDEN_DIR = path.join(ROOT, 'test', 'golden', 'oci');

const ID = 'f'.repeat(8) + '0123456789abcdef'.repeat(3) + '01234567';
const HOST: SpecHost = {
  arch: 'amd64',
  kernelRelease: '6.1.0-18-amd64',
  capabilities: KNOWN_CAPABILITIES,
  hostname: 'buildhost',
  cgroupV2: false,
  recursiveReadOnly: true,
  extraMaskedPaths: [],
};
const VALIDATE_HOST = { cpuCount: 4, capabilities: KNOWN_CAPABILITIES, pathExists: () => true };

// A small Docker-format profile exercising archMap and capability conditions (the stock one is host data).
const PROFILE = parseSeccompProfile(JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
  syscalls: [
    { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
    { names: ['setns', 'unshare'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['setns', 'unshare'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ],
}));

const BUSYBOX: ContainerConfig = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] };
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
const GROUP = 'root:x:0:\nwheel:x:10:app\napp:x:1000:\n';

function input(spec: ContainerSpec, over: Partial<BuildSpecInput> = {}): BuildSpecInput {
  const user = resolveUserFrom(spec.user, PASSWD, GROUP, spec.groupAdd);
  return {
    id: ID, spec, image: BUSYBOX, rootfsPath: `/var/lib/wharf/containers/${ID}/rootfs`, user,
    hostFiles: {
      hostname: `/var/lib/wharf/containers/${ID}/hostname`,
      hosts: `/var/lib/wharf/containers/${ID}/hosts`,
      resolvConf: `/var/lib/wharf/containers/${ID}/resolv.conf`,
    },
    seccompProfile: PROFILE, initBinary: '/usr/bin/catatonit', hostDevices: [], host: HOST, ...over,
  };
}

const create = (body: Record<string, unknown>): ContainerSpec =>
  validateCreateRequest({ Image: 'busybox', AttachStdout: true, AttachStderr: true, ...body }, '1.50', VALIDATE_HOST);

/** scrub replaces values that vary between runs or hosts (container ID, its directory) by placeholders. */
function scrub(spec: OciSpec): string {
  return serializeSpec(spec).replaceAll(ID, '<id>').replaceAll(ID.slice(0, 12), '<short-id>');
}

function golden(name: string, spec: OciSpec): void {
  const file = path.join(GOLDEN_DIR, `${name}.json`);
  const got = scrub(spec);
  if (process.env.WHARF_UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, got);
    return;
  }
  assert.ok(fs.existsSync(file), `missing golden file ${file}: run with WHARF_UPDATE_GOLDEN=1 and review it`);
  assert.equal(got, fs.readFileSync(file, 'utf8'), `config.json differs from ${file} (WHARF_UPDATE_GOLDEN=1 regenerates)`);
}

const FLAG_SETS: [string, Record<string, unknown>, Partial<BuildSpecInput>?][] = [
  // docker run busybox
  ['default', {}],
  // docker run -it --rm -u app -w /app -e FOO=bar -h web --init --group-add wheel busybox sh -c 'echo hi'
  ['interactive-user-init', {
    Tty: true, OpenStdin: true, AttachStdin: true, User: 'app', WorkingDir: '/app', Env: ['FOO=bar'], Hostname: 'web',
    Cmd: ['sh', '-c', 'echo hi'],
    HostConfig: { AutoRemove: true, Init: true, GroupAdd: ['wheel'], ConsoleSize: [40, 120] },
  }],
  // docker run -m 256m --memory-swap 512m --cpus 1.5 --pids-limit 100 --cpuset-cpus 0-1 --cpu-shares 512
  //   --ulimit nofile=1024:2048 --ulimit core=-1 --oom-score-adj 500 --shm-size 128m --restart on-failure:3 busybox
  ['resources', {
    HostConfig: {
      Memory: 256 << 20, MemorySwap: 512 << 20, NanoCpus: 1.5e9, PidsLimit: 100, CpusetCpus: '0-1', CpuShares: 512,
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'core', Soft: -1, Hard: -1 }], OomScoreAdj: 500,
      ShmSize: 128 << 20, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    },
  }],
  // docker run --cap-add NET_ADMIN --cap-drop MKNOD --security-opt no-new-privileges --read-only
  //   --tmpfs /run:size=64m -v /srv/data:/data:ro --mount type=bind,src=/srv/logs,dst=/logs
  //   --sysctl net.ipv4.ip_forward=1 --add-host db:10.0.0.5 --dns 1.1.1.1 busybox
  ['hardened-mounts', {
    HostConfig: {
      CapAdd: ['NET_ADMIN'], CapDrop: ['MKNOD'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true,
      Tmpfs: { '/run': 'size=64m' }, Binds: ['/srv/data:/data:ro'],
      Mounts: [{ Type: 'bind', Source: '/srv/logs', Target: '/logs' }], Sysctls: { 'net.ipv4.ip_forward': '1' },
      ExtraHosts: ['db:10.0.0.5'], Dns: ['1.1.1.1'],
    },
  }],
  // docker run --privileged --network host --pid host --ipc host busybox
  ['privileged-host', { HostConfig: { Privileged: true, NetworkMode: 'host', PidMode: 'host', IpcMode: 'host' } },
    { hostDevices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }] }],
  // docker run --network none --security-opt seccomp=unconfined --entrypoint /bin/true --cgroupns private busybox
  ['none-unconfined-entrypoint', {
    Entrypoint: ['/bin/true'],
    HostConfig: { NetworkMode: 'none', SecurityOpt: ['seccomp=unconfined'], CgroupnsMode: 'private', Annotations: { 'org.example/a': 'b' } },
  }],
];

for (const [name, body, over] of FLAG_SETS) {
  test(`golden config.json: ${name}`, () => {
    golden(name, buildSpec(input(create(body), over)));
  });
}

test('the default config.json runs the image command as root with Docker\'s defaults', () => {
  const s = buildSpec(input(create({})));
  assert.deepEqual(s.process.args, ['sh']);
  assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${ID.slice(0, 12)}`]);
  assert.equal(s.hostname, ID.slice(0, 12));
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0] });
  assert.equal(capabilityMask(s.process.capabilities?.effective ?? []).toString(16), 'a80425fb');
  assert.equal(s.linux.cgroupsPath, `/wharf/${ID}`);
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.deepEqual(s.mounts.slice(-3).map((m) => [m.destination, m.options.join(',')]), [
    ['/etc/resolv.conf', 'rbind,rprivate'], ['/etc/hostname', 'rbind,rprivate'], ['/etc/hosts', 'rbind,rprivate'],
  ]);
  assert.deepEqual(s.linux.seccomp?.syscalls.map((r) => `${r.names[0]}:${r.action}`), [
    'read:SCMP_ACT_ALLOW', 'arch_prctl:SCMP_ACT_ALLOW', 'setns:SCMP_ACT_ERRNO',
  ]);
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
});

test('capabilities drive the seccomp rules: CAP_SYS_ADMIN allows setns', () => {
  const s = buildSpec(input(create({ HostConfig: { CapAdd: ['SYS_ADMIN'] } })));
  assert.equal(s.linux.seccomp?.syscalls.find((r) => r.names.includes('setns'))?.action, 'SCMP_ACT_ALLOW');
});

test('a custom seccomp profile is converted the same way, even for a privileged container', () => {
  const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_LOG', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] });
  for (const Privileged of [false, true]) {
    const s = buildSpec(input(create({ HostConfig: { Privileged, SecurityOpt: [`seccomp=${profile}`] } })));
    assert.deepEqual(s.linux.seccomp, { defaultAction: 'SCMP_ACT_LOG', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] });
  }
  assert.equal(buildSpec(input(create({ HostConfig: { Privileged: true } }))).linux.seccomp, undefined);
});

test('the hostname: own, else the host\'s on the host network, else the short ID', () => {
  assert.equal(containerHostname(create({ Hostname: 'x' }), ID, 'h'), 'x');
  assert.equal(containerHostname(create({ HostConfig: { NetworkMode: 'host' } }), ID, 'h'), 'h');
  assert.equal(containerHostname(create({}), ID, 'h'), ID.slice(0, 12));
});

test('missing inputs are reported, not guessed', () => {
  assert.throws(() => buildSpec(input(create({ HostConfig: { Init: true } }), { initBinary: undefined })), { code: 'WHARF_SPEC_INPUT_MISSING' });
  assert.throws(() => buildSpec(input(create({}), { seccompProfile: undefined })), { code: 'WHARF_SPEC_INPUT_MISSING' });
  assert.throws(() => buildSpec(input(create({ HostConfig: { Privileged: true } }), { hostDevices: undefined })), { code: 'WHARF_SPEC_INPUT_MISSING' });
  assert.throws(
    () => buildSpec(input(create({ HostConfig: { Devices: [{ PathOnHost: '/dev/fuse' }] } }))),
    { code: 'WHARF_SPEC_INPUT_MISSING' },
  );
  assert.throws(() => buildSpec(input(create({}), { image: {} })), { message: 'no command specified' });
});

test('--init is skipped with the host PID namespace, as Docker does', () => {
  const s = buildSpec(input(create({ HostConfig: { Init: true, PidMode: 'host' } })));
  assert.deepEqual(s.process.args, ['sh']);
});

test('a netns path is joined; NetworkDisabled keeps a private namespace even with host networking', () => {
  const joined = buildSpec(input(create({}), { netnsPath: '/run/netns/wharf-x' }));
  assert.deepEqual(joined.linux.namespaces[1], { type: 'network', path: '/run/netns/wharf-x' });
  const disabled = buildSpec(input(create({ NetworkDisabled: true, HostConfig: { NetworkMode: 'host' } })));
  assert.ok(disabled.linux.namespaces.some((n) => n.type === 'network' && n.path === undefined));
});

test('HostConfig.MaskedPaths and ReadonlyPaths replace the defaults; host extras are masked otherwise', () => {
  const s = buildSpec(input(create({ HostConfig: { MaskedPaths: ['/proc/x'], ReadonlyPaths: [] } })));
  assert.deepEqual(s.linux.maskedPaths, ['/proc/x']);
  assert.deepEqual(s.linux.readonlyPaths, []);
  const extra = buildSpec(input(create({}), { host: { ...HOST, extraMaskedPaths: ['/sys/devices/system/cpu/cpu0/thermal_throttle'] } }));
  assert.equal(extra.linux.maskedPaths?.at(-1), '/sys/devices/system/cpu/cpu0/thermal_throttle');
  assert.equal(buildSpec(input(create({ CgroupnsMode: '' }), { host: { ...HOST, cgroupV2: true } })).linux.namespaces.at(-1)?.type, 'cgroup');
});
