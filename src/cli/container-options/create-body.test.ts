import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFlags } from '../flags/parse-flags.js';
import { buildCreateBody, normalizeCapabilities, type CreateRequestBody } from './create-body.js';
import { BASE_BODY, ENV_FILE, LABEL_FILE, RECORDED, type RecordedCase } from './docker-bodies.test-support.js';
import { RUN_FLAGS } from './flag-table.js';
import { FlagValueError, OptionsError } from './option-errors.js';

const RECORD_DIR = '/tmp/wharf-run-helper-scratch/cap';
const ENV = { FROMENV: 'fromenv', FILE_B: 'ignored' };

async function bodyFor(argv: readonly string[], opts: { env?: Record<string, string>; cwd?: string; dir?: string } = {}): Promise<CreateRequestBody> {
  const parsed = parseFlags(argv, RUN_FLAGS, { interspersed: false });
  const [image = '', ...args] = parsed.args;
  // Recorded paths of env/label files point into the recording directory; tests read copies from a temp dir.
  const flags = { ...parsed.flags };
  if (opts.dir) {
    flags['env-file'] = flags['env-file'].map((f) => f.replace(RECORD_DIR, opts.dir ?? ''));
    flags['label-file'] = flags['label-file'].map((f) => f.replace(RECORD_DIR, opts.dir ?? ''));
  }
  const body = await buildCreateBody({ flags, changed: parsed.changed, image, args, env: opts.env ?? ENV, cwd: opts.cwd ?? '/work', consoleSize: [0, 0] });
  // compat: `docker run -d` clears the attach fields after parsing (runContainer), as wharf's run command does.
  if (parsed.flags.detach) Object.assign(body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false });
  return body;
}

function expected(c: RecordedCase): Record<string, unknown> {
  const base = structuredClone(BASE_BODY) as Record<string, Record<string, unknown>>;
  const config: Record<string, unknown> = { ...base, ...c.config };
  for (const k of c.configRemoved) delete config[k];
  const host: Record<string, unknown> = { ...base.HostConfig, ...c.host };
  for (const k of c.hostRemoved) delete host[k];
  config.HostConfig = host;
  if (c.endpoints) config.NetworkingConfig = { EndpointsConfig: c.endpoints };
  return config;
}

test('the body of `run busybox echo hi` is docker\'s, field for field', async () => {
  assert.deepEqual(await bodyFor(['busybox', 'echo', 'hi']), BASE_BODY);
});

test('every recorded docker flag set gives docker\'s body', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-body-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'env.list'), ENV_FILE);
  writeFileSync(join(dir, 'labels.list'), LABEL_FILE);
  for (const c of RECORDED) {
    await t.test(c.args.join(' '), async () => {
      const body = await bodyFor(c.args, { dir });
      const want = expected(c);
      // compat: docker sends binds in Go map order (random); wharf keeps the order of the flags.
      const sortBinds = (b: Record<string, unknown>): void => {
        const h = b.HostConfig as { Binds: string[] | null };
        h.Binds?.sort();
      };
      sortBinds(body);
      sortBinds(want);
      assert.deepEqual(body, want);
    });
  }
});

test('units and numbers land in the right fields', async () => {
  const b = await bodyFor(['-m', '64m', '--cpus', '0.5', '--pids-limit', '50', '--memory-swap', '1g', '--shm-size', '1.5k', 'busybox']);
  assert.equal(b.HostConfig.Memory, 67108864);
  assert.equal(b.HostConfig.NanoCpus, 500000000);
  assert.equal(b.HostConfig.PidsLimit, 50);
  assert.equal(b.HostConfig.MemorySwap, 1073741824);
  assert.equal(b.HostConfig.ShmSize, 1536);
});

test('flags mapped one by one', async () => {
  const cases: [string[], (b: CreateRequestBody) => unknown, unknown][] = [
    [['--rm'], (b) => b.HostConfig.AutoRemove, true],
    [['-t'], (b) => b.Tty, true],
    [['-i'], (b) => [b.OpenStdin, b.AttachStdin, b.StdinOnce], [true, true, true]],
    [['--restart', 'always'], (b) => b.HostConfig.RestartPolicy, { Name: 'always', MaximumRetryCount: 0 }],
    [['--restart', 'unless-stopped'], (b) => b.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 }],
    [['--ulimit', 'nofile=1024'], (b) => b.HostConfig.Ulimits, [{ Name: 'nofile', Hard: 1024, Soft: 1024 }]],
    [['--tmpfs', '/run'], (b) => b.HostConfig.Tmpfs, { '/run': '' }],
    [['--init=false'], (b) => b.HostConfig.Init, false],
    [['--network', 'host'], (b) => [b.HostConfig.NetworkMode, b.NetworkingConfig.EndpointsConfig], ['host', {}]],
    [['--net', 'none'], (b) => b.HostConfig.NetworkMode, 'none'],
    [['--stop-timeout', '0'], (b) => b.StopTimeout, 0],
    [['--read-only'], (b) => b.HostConfig.ReadonlyRootfs, true],
    [['--privileged'], (b) => b.HostConfig.Privileged, true],
    [['--workdir', '/w', '-u', 'nobody'], (b) => [b.WorkingDir, b.User], ['/w', 'nobody']],
    [['--mount', 'type=tmpfs,target=/x,tmpfs-size=1m,tmpfs-mode=1777'], (b) => b.HostConfig.Mounts, [{ Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } }]],
  ];
  for (const [flags, get, want] of cases) assert.deepEqual(get(await bodyFor([...flags, 'busybox'])), want, flags.join(' '));
});

test('-e NAME takes the value from the environment, or stays bare when unset', async () => {
  const b = await bodyFor(['-e', 'HOME', '-e', 'NOPE', 'busybox'], { env: { HOME: '/root' } });
  assert.deepEqual(b.Env, ['HOME=/root', 'NOPE']);
});

test('a relative bind source is made absolute against the working directory', async () => {
  const b = await bodyFor(['-v', './site:/www', '--mount', 'type=bind,src=.,dst=/m', 'busybox'], { cwd: '/home/u' });
  assert.deepEqual(b.HostConfig.Binds, ['/home/u/site:/www']);
  assert.equal((b.HostConfig.Mounts as { Source: string }[])[0]?.Source, '/home/u');
});

test('capabilities are normalised as docker\'s client does', () => {
  assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_CHOWN', 'all', 'NET_ADMIN']), ['ALL', 'CAP_CHOWN', 'CAP_NET_ADMIN']);
  assert.equal(normalizeCapabilities([]), null);
});

/** flagError runs the conversion and returns the FlagValueError's message. */
async function flagError(argv: string[]): Promise<string> {
  try {
    await bodyFor([...argv, 'busybox']);
  } catch (err) {
    assert.ok(err instanceof FlagValueError, `${argv.join(' ')}: ${String(err)}`);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('bad flag values fail with docker\'s flag error', async () => {
  const cases: [string[], string][] = [
    [['-m', 'x'], `invalid argument "x" for "-m, --memory" flag: invalid size: 'x'`],
    [['-m', '1x'], `invalid argument "1x" for "-m, --memory" flag: invalid suffix: 'x'`],
    [['-m', '-1'], `invalid argument "-1" for "-m, --memory" flag: invalid size: '-1'`],
    [['--memory-swap', 'y'], `invalid argument "y" for "--memory-swap" flag: invalid size: 'y'`],
    [['--shm-size', '1.2.3'], `invalid argument "1.2.3" for "--shm-size" flag: strconv.ParseFloat: parsing "1.2.3": invalid syntax`],
    [['--cpus', 'x'], `invalid argument "x" for "--cpus" flag: failed to parse x as a rational number`],
    [['--cpus', '0.0000000001'], `invalid argument "0.0000000001" for "--cpus" flag: value is too precise`],
    [['-e', ''], `invalid argument "" for "-e, --env" flag: invalid environment variable: `],
    [['-e', '=x'], `invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x`],
    [['--ulimit', 'foo'], `invalid argument "foo" for "--ulimit" flag: invalid ulimit argument: foo`],
    [['--ulimit', 'bogus=1'], `invalid argument "bogus=1" for "--ulimit" flag: invalid ulimit type: bogus`],
    [['--ulimit', 'nofile=20:10'], `invalid argument "nofile=20:10" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 20 > 10`],
    [['--ulimit', 'nofile=a'], `invalid argument "nofile=a" for "--ulimit" flag: strconv.ParseInt: parsing "a": invalid syntax`],
    [['--health-interval', '5'], `invalid argument "5" for "--health-interval" flag: time: missing unit in duration "5"`],
    [['--health-timeout', 'x'], `invalid argument "x" for "--health-timeout" flag: time: invalid duration "x"`],
    [['--health-start-period', '1y'], `invalid argument "1y" for "--health-start-period" flag: time: unknown unit "y" in duration "1y"`],
    [['-l', '=v'], `invalid argument "=v" for "-l, --label" flag: invalid label '=v': empty name`],
    [['--dns', 'x'], `invalid argument "x" for "--dns" flag: IP address is not correctly formatted: x`],
    [['--add-host', 'nohost'], `invalid argument "nohost" for "--add-host" flag: bad format for add-host: "nohost"`],
    [['--add-host', 'h:1.2.3'], `invalid argument "h:1.2.3" for "--add-host" flag: invalid IP address in add-host: "1.2.3"`],
    [['--sysctl', 'kernel.x=1'], `invalid argument "kernel.x=1" for "--sysctl" flag: sysctl 'kernel.x=1' is not allowed`],
    [['-a', 'stdfoo'], `invalid argument "stdfoo" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`],
    [['--mount', 'type=bind'], `invalid argument "type=bind" for "--mount" flag: target is required`],
    [['--mount', 'target=/x,foo=1'], `invalid argument "target=/x,foo=1" for "--mount" flag: unexpected key 'foo' in 'foo=1'`],
    [['--blkio-weight', 'x'], `invalid argument "x" for "--blkio-weight" flag: strconv.ParseUint: parsing "x": invalid syntax`],
    [['--network', 'name=a,bogus=1'], `invalid argument "name=a,bogus=1" for "--network" flag: invalid field key bogus`],
  ];
  for (const [argv, msg] of cases) assert.equal(await flagError(argv), msg);
});

/** optionsError runs the conversion and returns the OptionsError's message. */
async function optionsError(argv: string[], env?: Record<string, string>): Promise<string> {
  try {
    await bodyFor([...argv, 'busybox'], { env });
  } catch (err) {
    assert.ok(err instanceof OptionsError, `${argv.join(' ')}: ${String(err)}`);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('bad combinations, specs and files fail with docker\'s parse errors', async () => {
  const cases: [string[], string][] = [
    [['--restart', 'always', '--rm'], 'conflicting options: cannot specify both --restart and --rm'],
    [['--restart', 'on-failure:x'], 'invalid restart policy format: maximum retry count must be an integer'],
    [['--restart', ':3'], 'invalid restart policy format: no policy provided before colon'],
    [['-v', ''], 'invalid empty volume spec'],
    [['-v', '/a::/b'], 'invalid spec: /a::/b: empty section between colons'],
    [['-v', '/a:/b:ro:x'], 'invalid spec: /a:/b:ro:x: too many colons'],
    [['-p', '80/xyz'], 'invalid proto: xyz'],
    [['-p', 'a:80'], 'invalid hostPort: a'],
    [['--expose', '1:2'], 'invalid port format for --expose: 1:2'],
    [['--env-file', '/nonexistent/env'], 'open /nonexistent/env: no such file or directory'],
    [['--memory-swappiness', '101'], 'invalid value: 101. Valid memory swappiness range is 0-100'],
    [['--no-healthcheck', '--health-cmd', 'x'], '--no-healthcheck conflicts with --health-* options'],
    [['--health-retries', '-1'], '--health-retries cannot be negative'],
    [['--pid', 'bogus'], '--pid: invalid PID mode'],
    [['--security-opt', 'label'], 'Invalid --security-opt: "label"'],
    [['--log-driver', 'none', '--log-opt', 'a=b'], 'invalid logging opts for driver none'],
    [['--device', 'relative'], 'relative is not an absolute path'],
    [['--network', 'host', '--network', 'mynet'], 'conflicting options: cannot attach both user-defined and non-user-defined network-modes'],
  ];
  for (const [argv, msg] of cases) assert.equal(await optionsError(argv), msg);
});

test('a --restart value docker only checks on the daemon passes through', async () => {
  // compat: the policy name is validated by the daemon ("invalid restart policy 'foo'"), not the client.
  const b = await bodyFor(['--restart', 'foo', 'busybox']);
  assert.deepEqual(b.HostConfig.RestartPolicy, { Name: 'foo', MaximumRetryCount: 0 });
});
