import test from 'node:test';
import assert from 'node:assert/strict';
import { WharfError } from '../../common/errors.js';
import { KNOWN_CAPABILITIES } from './capabilities.js';
import { apiAtLeast, validateCreateRequest } from './create-config.js';
import type { HostFacts } from './host-facts.js';

const HOST: HostFacts = {
  cpuCount: 2,
  capabilities: KNOWN_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE'),
  pathExists: (p) => p === '/srv/data' || p === '/etc',
};

// What docker CLI 28 sends for `docker run busybox` (zero values everywhere), trimmed of nothing relevant.
function cliBody(config: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: [], Cmd: null, Image: 'busybox', Volumes: {},
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
    HostConfig: {
      Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'default',
      PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
      VolumesFrom: null, ConsoleSize: [40, 120], CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [],
      DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null,
      OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false,
      SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 0,
      NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [],
      BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0,
      CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [],
      DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null,
      OomKillDisable: null, PidsLimit: null, Ulimits: [], CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0,
      IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null,
      ...hostConfig,
    },
    NetworkingConfig: { EndpointsConfig: {} },
    ...config,
  };
}

const validate = (config: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}, api = '1.50') =>
  validateCreateRequest(cliBody(config, hostConfig), api, HOST);

test('a docker CLI body with zero values gives the defaults', () => {
  const s = validate();
  assert.equal(s.image, 'busybox');
  assert.equal(s.cmd, undefined);
  assert.equal(s.entrypoint, undefined);
  assert.deepEqual(s.restartPolicy, { name: 'no', maximumRetryCount: 0 });
  assert.equal(s.network.mode, 'bridge');
  assert.equal(s.shmSize, 64 * 1024 * 1024);
  assert.equal(s.ipcMode, 'private');
  assert.deepEqual(s.logConfig, { driver: 'k8s-file', requestedType: '', options: {} });
  assert.deepEqual(s.security.seccomp, { kind: 'default' });
  assert.deepEqual(s.consoleSize, [40, 120]);
  assert.equal(s.resources.pidsLimit, undefined);
  assert.deepEqual(s.mounts, []);
  assert.deepEqual(s.warnings, []);
});

test('values are normalised as Docker stores them', () => {
  const s = validate(
    { Entrypoint: [''], Cmd: 'echo hi', WorkingDir: '/app/./x/', ExposedPorts: { '80': {}, '53/UDP': {} } },
    {
      Memory: 64 << 20, RestartPolicy: { Name: '', MaximumRetryCount: 0 }, PidsLimit: -1, CapAdd: ['net_admin'],
      CapDrop: ['CAP_CHOWN', 'all'], NetworkMode: 'none', ShmSize: 1 << 20,
    },
  );
  assert.deepEqual(s.entrypoint, ['']);
  assert.deepEqual(s.cmd, ['echo hi']);
  assert.equal(s.workingDir, '/app/x');
  assert.deepEqual(s.exposedPorts, ['80/tcp', '53/udp']);
  assert.equal(s.resources.memorySwap, 128 << 20, 'MemorySwap 0 becomes twice Memory');
  assert.equal(s.restartPolicy.name, 'no');
  assert.equal(s.resources.pidsLimit, undefined);
  assert.deepEqual(s.security.capAdd, ['CAP_NET_ADMIN']);
  assert.deepEqual(s.security.capDrop, ['CAP_CHOWN', 'ALL']);
  assert.equal(s.network.mode, 'none');
  assert.equal(s.shmSize, 1 << 20);
});

// [name, config, hostConfig, message, api?]
const INVALID: [string, Record<string, unknown>, Record<string, unknown>, string | RegExp, string?][] = [
  ['memory below 6MB', {}, { Memory: 1024 }, 'Minimum memory limit allowed is 6MB'],
  ['negative memory', {}, { Memory: -5 }, 'Minimum memory limit allowed is 6MB'],
  ['swap below memory', {}, { Memory: 64 << 20, MemorySwap: 32 << 20 }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
  ['swap without memory', {}, { MemorySwap: 64 << 20 }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
  ['swap below -1', {}, { Memory: 64 << 20, MemorySwap: -2 }, /invalid MemorySwap -2/],
  ['swappiness 101', {}, { MemorySwappiness: 101 }, 'Invalid value: 101, valid memory swappiness range is 0-100'],
  ['reservation below 6MB', {}, { MemoryReservation: 100 }, 'Minimum memory reservation allowed is 6MB'],
  ['memory below reservation', {}, { Memory: 8 << 20, MemoryReservation: 16 << 20 }, 'Minimum memory limit can not be less than memory reservation limit, see usage'],
  ['too many CPUs', {}, { NanoCpus: 3e9 }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
  ['negative NanoCpus', {}, { NanoCpus: -1 }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'],
  ['NanoCpus and period', {}, { NanoCpus: 1e9, CpuPeriod: 100000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
  ['NanoCpus and quota', {}, { NanoCpus: 1e9, CpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
  ['CPU period too small', {}, { CpuPeriod: 999 }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['CPU quota too small', {}, { CpuQuota: 999 }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
  ['negative CPU shares', {}, { CpuShares: -2 }, 'invalid CPU shares (-2): value must be a positive integer'],
  ['cpuset syntax', {}, { CpusetCpus: '0-' }, 'Invalid value 0- for cpuset cpus: invalid format: 0-'],
  ['cpuset unavailable', {}, { CpusetCpus: '0,3' }, 'Requested CPUs are not available - requested 0,3, available: 0-1'],
  ['blkio weight', {}, { BlkioWeight: 5 }, 'Range of blkio weight is from 10 to 1000'],
  ['oom score adj', {}, { OomScoreAdj: 1001 }, 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
  ['negative shm', {}, { ShmSize: -1 }, 'SHM size can not be less than 0'],
  ['restart name', {}, { RestartPolicy: { Name: 'sometimes' } }, "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"],
  ['retries with always', {}, { RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } }, "invalid restart policy: maximum retry count can only be used with 'on-failure'"],
  ['negative retries with no', {}, { RestartPolicy: { Name: 'no', MaximumRetryCount: -1 } }, "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative"],
  ['negative retries', {}, { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } }, 'invalid restart policy: maximum retry count cannot be negative'],
  ['rm with restart', {}, { AutoRemove: true, RestartPolicy: { Name: 'always' } }, "can't create 'AutoRemove' container with restart policy"],
  ['stop signal', { StopSignal: 'SIGFOO' }, {}, 'invalid signal: SIGFOO'],
  ['stop signal 0', { StopSignal: '0' }, {}, 'invalid signal: 0'],
  ['stop timeout', { StopTimeout: -2 }, {}, /invalid StopTimeout -2/],
  ['relative workdir', { WorkingDir: 'app' }, {}, "the working directory 'app' is invalid, it needs to be an absolute path"],
  ['empty env key', { Env: ['=x'] }, {}, 'invalid environment variable: =x'],
  ['long hostname', { Hostname: 'h'.repeat(65) }, {}, `hostname "${'h'.repeat(65)}" is too long (maximum 64 bytes)`],
  ['hostname with host UTS', { Hostname: 'x' }, { UTSMode: 'host' }, 'conflicting options: hostname and the UTS mode'],
  ['health interval', { Healthcheck: { Test: ['CMD', 'true'], Interval: 10 } }, {}, 'Interval in Healthcheck cannot be less than 1ms'],
  ['health timeout', { Healthcheck: { Timeout: -1 } }, {}, 'Timeout in Healthcheck cannot be less than 1ms'],
  ['health retries', { Healthcheck: { Retries: -1 } }, {}, 'Retries in Healthcheck cannot be negative'],
  ['health start period', { Healthcheck: { StartPeriod: 5 } }, {}, 'StartPeriod in Healthcheck cannot be less than 1ms'],
  ['bind spec', {}, { Binds: [':/x'] }, "invalid volume specification: ':/x'"],
  ['bind mode only', {}, { Binds: ['/data:ro'] }, "invalid volume specification: '/data:ro'"],
  ['bind too many parts', {}, { Binds: ['/a:/b:ro:x'] }, "invalid volume specification: '/a:/b:ro:x'"],
  ['bind bad mode', {}, { Binds: ['/a:/b:rx'] }, 'invalid mode: rx'],
  ['bind two modes', {}, { Binds: ['/a:/b:ro,rw'] }, 'invalid mode: ro,rw'],
  ['bind relative destination', {}, { Binds: ['/a:b'] }, `invalid volume specification: '/a:b': invalid mount config for type "bind": invalid mount path: 'b' mount path must be absolute`],
  ['bind onto root', {}, { Binds: ['/a:/'] }, `invalid volume specification: '/a:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
  ['bind nocopy', {}, { Binds: ['/a:/b:nocopy'] }, `invalid volume specification: '/a:/b:nocopy': invalid mount config for type "bind": field VolumeOptions must not be specified`],
  ['bind bad volume name', {}, { Binds: ['./x:/b'] }, /includes invalid characters for a local volume name/],
  ['duplicate binds', {}, { Binds: ['/a:/b', '/c:/b/'] }, 'Duplicate mount point: /b'],
  ['bind and tmpfs', {}, { Binds: ['/a:/b'], Tmpfs: { '/b': '' } }, 'Duplicate mount point: /b'],
  ['tmpfs onto root', {}, { Tmpfs: { '/': '' } }, "invalid specification: destination can't be '/'"],
  ['tmpfs relative', {}, { Tmpfs: { run: '' } }, "invalid mount path: 'run' mount path must be absolute"],
  ['tmpfs bad option', {}, { Tmpfs: { '/run': 'size=1m,foo' } }, 'invalid tmpfs option ["foo"]'],
  ['tmpfs bad key', {}, { Tmpfs: { '/run': 'color=red' } }, 'invalid tmpfs option ["color" "red"]'],
  ['mount missing source', {}, { Mounts: [{ Type: 'bind', Target: '/x' }] }, 'invalid mount config for type "bind": field Source must not be empty'],
  ['mount missing target', {}, { Mounts: [{ Type: 'bind', Source: '/etc' }] }, 'invalid mount config for type "bind": field Target must not be empty'],
  ['mount source missing', {}, { Mounts: [{ Type: 'bind', Source: '/nope', Target: '/x' }] }, 'invalid mount config for type "bind": bind source path does not exist: /nope'],
  ['mount relative source', {}, { Mounts: [{ Type: 'bind', Source: 'etc', Target: '/x' }] }, `invalid mount config for type "bind": invalid mount path: 'etc' mount path must be absolute`],
  ['mount propagation', {}, { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x', BindOptions: { Propagation: 'weird' } }] }, 'invalid mount config for type "bind": invalid propagation mode: weird'],
  ['mount unknown type', {}, { Mounts: [{ Type: 'npipe', Source: '/etc', Target: '/x' }] }, 'invalid mount config for type "npipe": mount type unknown'],
  ['tmpfs mount with source', {}, { Mounts: [{ Type: 'tmpfs', Source: 'x', Target: '/x' }] }, 'invalid mount config for type "tmpfs": field Source must not be specified'],
  ['options on wrong type', {}, { Mounts: [{ Type: 'tmpfs', Target: '/x', BindOptions: {} }] }, 'BindOptions must not be specified on mount type "tmpfs"'],
  ['tmpfs mount option', {}, { Mounts: [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { Options: [['nosuid']] } }] }, 'invalid mount config for type "tmpfs": invalid option: nosuid'],
  ['rw with non-recursive ro', {}, { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x', BindOptions: { ReadOnlyNonRecursive: true } }] }, 'mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive'],
  ['force recursive before 1.44', {}, { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }] }, 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer', '1.43'],
  ['unknown cap', {}, { CapAdd: ['FOO'] }, 'invalid CapAdd: unknown capability: "CAP_FOO"'],
  ['unavailable cap', {}, { CapAdd: ['sys_resource'] }, 'invalid CapAdd: capability not supported by your kernel or not available in the current environment: "CAP_SYS_RESOURCE"'],
  ['unknown drop', {}, { CapDrop: ['bar'] }, 'invalid CapDrop: unknown capability: "CAP_BAR"'],
  ['security opt no separator', {}, { SecurityOpt: ['seccomp'] }, 'invalid --security-opt 1: "seccomp"'],
  ['security opt key', {}, { SecurityOpt: ['foo=bar'] }, 'invalid --security-opt 2: "foo=bar"'],
  ['security opt bool', {}, { SecurityOpt: ['no-new-privileges=maybe'] }, 'invalid --security-opt 2: "no-new-privileges=maybe"'],
  ['seccomp profile json', {}, { SecurityOpt: ['seccomp={not json'] }, /^Decoding seccomp profile failed: /],
  ['port key', {}, { PortBindings: { '0/tcp': [] } }, 'invalid port specification: "0/tcp"'],
  ['port proto', {}, { PortBindings: { '80/icmp': [] } }, 'invalid port specification: "80/icmp"'],
  ['host port', {}, { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } }, 'invalid port specification: "70000"'],
  ['exposed port', { ExposedPorts: { abc: {} } }, {}, 'invalid port specification: "abc"'],
  ['extra host format', {}, { ExtraHosts: ['justaname'] }, 'bad format for add-host: "justaname"'],
  ['extra host ip', {}, { ExtraHosts: ['db:999.1.1.1'] }, 'invalid IP address in add-host: "999.1.1.1"'],
  ['dns', {}, { Dns: ['dns.example'] }, 'dns.example is not an ip address'],
  ['container net format', {}, { NetworkMode: 'container:' }, 'invalid network mode: invalid container format container:<name|id>'],
  ['ipc mode', {}, { IpcMode: 'weird' }, 'invalid IPC mode: weird'],
  ['pid mode', {}, { PidMode: 'weird' }, 'invalid PID mode: weird'],
  ['uts mode', {}, { UTSMode: 'weird' }, 'invalid UTS mode: weird'],
  ['cgroupns mode', {}, { CgroupnsMode: 'weird' }, 'invalid cgroup namespace mode: weird'],
  ['log driver', {}, { LogConfig: { Type: 'carrier-pigeon' } }, "logger: no log driver named 'carrier-pigeon' is registered"],
  ['log opt', {}, { LogConfig: { Type: 'json-file', Config: { color: 'blue' } } }, "unknown log opt 'color' for json-file log driver"],
  ['log max-file', {}, { LogConfig: { Type: 'json-file', Config: { 'max-file': '0' } } }, 'max-file cannot be less than 1'],
  ['log max-size', {}, { LogConfig: { Type: 'json-file', Config: { 'max-size': 'huge' } } }, "invalid size: 'huge'"],
  ['ulimit name', {}, { Ulimits: [{ Name: 'files', Soft: 1, Hard: 1 }] }, 'invalid ulimit type: files'],
  ['ulimit order', {}, { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }, 'ulimit soft limit must be less than or equal to hard limit: 10 > 5'],
  ['device rule', {}, { DeviceCgroupRules: ['c 1:3'] }, "invalid device cgroup rule format: 'c 1:3'"],
  ['device path', {}, { Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: 'fuse' }] }, 'bad format for path: fuse'],
  ['device mode', {}, { Devices: [{ PathOnHost: '/dev/fuse', CgroupPermissions: 'rwx' }] }, 'invalid device mode: rwx'],
  ['sysctl not namespaced', {}, { Sysctls: { 'vm.swappiness': '1' } }, 'sysctl "vm.swappiness" is not in a separate kernel namespace'],
  ['net sysctl on host network', {}, { NetworkMode: 'host', Sysctls: { 'net.ipv4.ip_forward': '1' } }, 'sysctl "net.ipv4.ip_forward" not allowed in host network namespace'],
  ['ipc sysctl on host ipc', {}, { IpcMode: 'host', Sysctls: { 'kernel.shmmax': '1' } }, 'sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace'],
  ['runtime', {}, { Runtime: 'kata' }, 'unknown or invalid runtime name: kata'],
  ['isolation', {}, { Isolation: 'hyperv' }, "invalid isolation (hyperv): linux only supports 'default'"],
  ['annotation key', {}, { Annotations: { '': 'x' } }, 'invalid Annotations: the empty string is not permitted as an annotation key'],
  ['aliases on default network', {}, {}, 'network-scoped alias is supported only for containers in user defined networks'],
  ['wrong type', { Env: 'A=1' }, {}, 'invalid container config: Env: expected an array'],
  ['wrong int', {}, { Memory: '1g' }, 'invalid container config: HostConfig.Memory: expected an integer'],
];

for (const [name, config, hostConfig, message, api] of INVALID) {
  test(`invalid: ${name}`, () => {
    const body = cliBody(config, hostConfig);
    if (name === 'aliases on default network') {
      body.NetworkingConfig = { EndpointsConfig: { bridge: { Aliases: ['web'] } } };
    }
    assert.throws(
      () => validateCreateRequest(body, api ?? '1.50', HOST),
      (err: unknown) => {
        assert.ok(err instanceof WharfError);
        assert.equal(err.kind, 'InvalidArgument');
        assert.equal(err.code === 'WHARF_INVALID_CONTAINER_CONFIG' || err.code === 'WHARF_INVALID_SECCOMP_PROFILE', true);
        if (typeof message === 'string') assert.equal(err.message, message);
        else assert.match(err.message, message);
        return true;
      },
    );
  });
}

const UNSUPPORTED: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['named volume', {}, { Binds: ['data:/data'] }],
  ['anonymous bind volume', {}, { Binds: ['/data'] }],
  ['anonymous Config volume', { Volumes: { '/data': {} } }, {}],
  ['volume mount', {}, { Mounts: [{ Type: 'volume', Source: 'v', Target: '/v' }] }],
  ['container network', {}, { NetworkMode: 'container:abc' }],
  ['user network', {}, { NetworkMode: 'mynet' }],
  ['links', {}, { Links: ['db:db'] }],
  ['volumes-from', {}, { VolumesFrom: ['other'] }],
  ['pid container', {}, { PidMode: 'container:abc' }],
  ['syslog', {}, { LogConfig: { Type: 'syslog' } }],
  ['gpu', {}, { DeviceRequests: [{ Driver: 'nvidia', Count: -1 }] }],
  ['host-gateway', {}, { ExtraHosts: ['host.docker.internal:host-gateway'] }],
  ['userns', {}, { UsernsMode: 'private' }],
];

for (const [name, config, hostConfig] of UNSUPPORTED) {
  test(`not implemented: ${name}`, () => {
    assert.throws(
      () => validate(config, hostConfig),
      (err: unknown) => err instanceof WharfError && err.kind === 'NotImplemented' && err.code === 'WHARF_CONTAINER_OPTION_NOT_IMPLEMENTED',
    );
  });
}

test('an empty or config-less body is refused with Docker\'s message', () => {
  for (const body of [null, {}, { HostConfig: {} }]) {
    assert.throws(() => validateCreateRequest(body, '1.50', HOST), { message: 'config cannot be empty in order to create a container' });
  }
  assert.throws(() => validateCreateRequest([], '1.50', HOST), /expected an object/);
});

test('binds become bind mounts with Docker\'s defaults and modes', () => {
  const s = validate({}, { Binds: ['/srv/data:/data', '/etc:/host/etc:ro,rslave', '/tmp//x/:/y:z'] });
  assert.deepEqual(s.mounts, [
    { type: 'bind', source: '/srv/data', destination: '/data', readOnly: false, propagation: 'rprivate', nonRecursive: false, readOnlyNonRecursive: false, readOnlyForceRecursive: false, createHostPath: true },
    { type: 'bind', source: '/etc', destination: '/host/etc', readOnly: true, propagation: 'rslave', nonRecursive: false, readOnlyNonRecursive: false, readOnlyForceRecursive: false, createHostPath: true },
    { type: 'bind', source: '/tmp/x', destination: '/y', readOnly: false, propagation: 'rprivate', nonRecursive: false, readOnlyNonRecursive: false, readOnlyForceRecursive: false, createHostPath: true },
  ]);
  const old = validate({}, { Binds: ['/srv/data:/data:ro'] }, '1.43');
  assert.equal((old.mounts[0] as { readOnlyNonRecursive: boolean }).readOnlyNonRecursive, true, 'API < 1.44: read-only binds are non-recursive');
});

test('Mounts and Tmpfs become mounts; version gates drop newer fields', () => {
  const s = validate({}, {
    Tmpfs: { '/run': 'rw,noexec,size=65536k' },
    Mounts: [
      { Type: 'tmpfs', Target: '/cache', ReadOnly: true, TmpfsOptions: { SizeBytes: 1 << 30, Mode: 0o1777, Options: [['exec']] } },
      { Type: 'bind', Source: '/etc', Target: '/e', BindOptions: { NonRecursive: true, CreateMountpoint: true } },
    ],
  });
  assert.deepEqual(s.mounts[0], { type: 'tmpfs', destination: '/run', options: ['rw', 'noexec', 'size=65536k'] });
  assert.deepEqual(s.mounts[1], { type: 'tmpfs', destination: '/cache', options: ['ro', 'mode=1777', 'size=1g', 'exec'] });
  assert.equal((s.mounts[2] as { nonRecursive: boolean }).nonRecursive, true);
  const old = validate({}, { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/e', BindOptions: { NonRecursive: true } }] }, '1.39');
  assert.equal((old.mounts[0] as { nonRecursive: boolean }).nonRecursive, false, 'NonRecursive needs API 1.40');
  assert.throws(
    () => validate({}, { Mounts: [{ Type: 'bind', Source: '/nope', Target: '/e', BindOptions: { CreateMountpoint: true } }] }, '1.41'),
    /bind source path does not exist/,
    'CreateMountpoint needs API 1.42',
  );
});

test('security options, warnings and log options', () => {
  const s = validate({ MacAddress: '02:42:ac:11:00:02', Healthcheck: { Test: ['WHATEVER'] } }, {
    SecurityOpt: ['no-new-privileges', 'label=type:svirt_t', 'apparmor=unconfined', 'seccomp=unconfined', 'writable-cgroups=false'],
    OomKillDisable: true, NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
    LogConfig: { Type: 'local', Config: { 'max-size': '10m', mode: 'non-blocking' } }, CpuPercent: 50,
  });
  assert.equal(s.security.noNewPrivileges, true);
  assert.equal(s.security.writableCgroups, false);
  assert.deepEqual(s.security.seccomp, { kind: 'unconfined' });
  assert.equal(s.logConfig.maxSize, 10 * 1024 * 1024);
  assert.equal(s.logConfig.maxFile, 5, 'the local driver keeps 5 files by default');
  assert.deepEqual(s.network.portBindings, { '80/tcp': [{ hostIp: '', hostPort: '8080' }] });
  assert.equal(s.warnings.length, 7);
  assert.ok(s.warnings.includes('Published ports are discarded when using host network mode'));
  assert.ok(s.warnings.includes("Unknown healthcheck type 'WHATEVER' (expected 'CMD')"));
  assert.ok(s.warnings.includes('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.'));
  const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
  assert.deepEqual(validate({}, { SecurityOpt: [`seccomp=${profile}`] }).security.seccomp, { kind: 'custom', profile });
  assert.equal(validate({}, { LogConfig: { Type: 'none' } }).logConfig.driver, 'none');
});

test('API version gates of the create route', () => {
  assert.equal(validate({}, { AutoRemove: true }, '1.24').autoRemove, false, 'API <= 1.24: the client removes');
  assert.equal(validate({}, { AutoRemove: true }).autoRemove, true);
  assert.equal(validate({}, {}, '1.39').ipcMode, 'shareable');
  assert.deepEqual(validate({}, { Annotations: { a: 'b' } }, '1.42').annotations, {});
  assert.equal(validate({}, {}, '1.41').consoleSize, undefined);
  assert.equal(validate({ Healthcheck: { StartInterval: 2e9 } }, {}, '1.43').healthcheck?.startInterval, 0);
  assert.equal(validate({ Healthcheck: { StartInterval: 2e9 } }).healthcheck?.startInterval, 2e9);
  const twoNets = { ...cliBody(), NetworkingConfig: { EndpointsConfig: { bridge: {}, other: {} } } };
  assert.throws(() => validateCreateRequest(twoNets, '1.43', HOST), {
    message: 'Container cannot be created with multiple network endpoints: bridge, other',
  });
});

test('apiAtLeast compares major.minor numerically', () => {
  assert.equal(apiAtLeast('1.50', '1.44'), true);
  assert.equal(apiAtLeast('1.9', '1.10'), false);
  assert.equal(apiAtLeast('1.44', '1.44'), true);
  assert.equal(apiAtLeast('2.0', '1.99'), true);
});

test('before API 1.42 stray VolumeOptions on a bind are dropped, BindOptions on a tmpfs still refused', () => {
  const bindWithVolumeOptions = { Mounts: [{ Type: 'bind', Source: '/etc', Target: '/e', VolumeOptions: { NoCopy: true } }] };
  assert.equal(validate({}, bindWithVolumeOptions, '1.41').mounts.length, 1);
  assert.throws(() => validate({}, bindWithVolumeOptions), { message: 'VolumeOptions must not be specified on mount type "bind"' });
  assert.throws(() => validate({}, { Mounts: [{ Type: 'tmpfs', Target: '/t', BindOptions: {} }] }, '1.41'), {
    message: 'invalid mount config for type "tmpfs": field BindOptions must not be specified',
  });
});
