import type { SystemInfo } from '../../../client/engine-client.js';
import { WharfError, kindOf } from '../../../common/errors.js';
import { isDaemonError } from '../../../client/transport.js';
import { clientVersion } from './version.js';
import type { CommandSpec } from '../../command.js';
import { badTemplate, formatError } from '../../run-cli.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import { bytesSize } from '../../render/units.js';

/** goLine is fmt.Println: operands separated by spaces, then a newline. */
function goLine(...args: unknown[]): string {
  return `${args.map((a) => (Array.isArray(a) ? `[${a.join(' ')}]` : String(a ?? ''))).join(' ')}\n`;
}

const nonEmpty = (label: string, value: string | undefined): string => (value ? goLine(label, value) : '');

/** serverLines is docker's prettyPrintServerInfo for a standalone (non-swarm) daemon. */
export function serverLines(i: SystemInfo, clientDebug: boolean): string {
  let s = goLine(' Containers:', i.Containers ?? 0) + goLine('  Running:', i.ContainersRunning ?? 0);
  s += goLine('  Paused:', i.ContainersPaused ?? 0) + goLine('  Stopped:', i.ContainersStopped ?? 0);
  s += goLine(' Images:', i.Images ?? 0) + nonEmpty(' Server Version:', i.ServerVersion) + nonEmpty(' Storage Driver:', i.Driver);
  for (const [k, v] of i.DriverStatus ?? []) s += `  ${k}: ${v}\n`;
  s += nonEmpty(' Logging Driver:', i.LoggingDriver) + nonEmpty(' Cgroup Driver:', i.CgroupDriver) + nonEmpty(' Cgroup Version:', i.CgroupVersion);
  const p = i.Plugins ?? {};
  s += goLine(' Plugins:') + goLine('  Volume:', (p.Volume ?? []).join(' ')) + goLine('  Network:', (p.Network ?? []).join(' '));
  if ((p.Authorization ?? []).length > 0) s += goLine('  Authorization:', (p.Authorization ?? []).join(' '));
  s += goLine('  Log:', (p.Log ?? []).join(' '));
  s += goLine(' Swarm:', i.Swarm?.LocalNodeState ?? '');
  const runtimes = Object.keys(i.Runtimes ?? {});
  if (runtimes.length > 0) s += goLine(' Runtimes:', runtimes.join(' ')) + goLine(' Default Runtime:', i.DefaultRuntime ?? '');
  if (i.OSType === 'linux') {
    s += goLine(' Init Binary:', i.InitBinary ?? '') + goLine(' containerd version:', i.ContainerdCommit?.ID ?? '');
    s += goLine(' runc version:', i.RuncCommit?.ID ?? '') + goLine(' init version:', i.InitCommit?.ID ?? '');
    if ((i.SecurityOptions ?? []).length > 0) s += securityLines(i.SecurityOptions ?? []);
  }
  s += nonEmpty(' Kernel Version:', i.KernelVersion) + nonEmpty(' Operating System:', i.OperatingSystem);
  s += nonEmpty(' OSType:', i.OSType) + nonEmpty(' Architecture:', i.Architecture);
  s += goLine(' CPUs:', i.NCPU ?? 0) + goLine(' Total Memory:', bytesSize(i.MemTotal ?? 0));
  s += nonEmpty(' Name:', i.Name) + nonEmpty(' ID:', i.ID) + goLine(' Docker Root Dir:', i.DockerRootDir ?? '') + goLine(' Debug Mode:', i.Debug ?? false);
  if (i.Debug || clientDebug) {
    s += goLine('  File Descriptors:', i.NFd ?? 0) + goLine('  Goroutines:', i.NGoroutines ?? 0);
    s += goLine('  System Time:', i.SystemTime ?? '') + goLine('  EventsListeners:', i.NEventsListener ?? 0);
  }
  s += nonEmpty(' HTTP Proxy:', i.HttpProxy) + nonEmpty(' HTTPS Proxy:', i.HttpsProxy) + nonEmpty(' No Proxy:', i.NoProxy);
  if ((i.Labels ?? []).length > 0) s += goLine(' Labels:') + (i.Labels ?? []).map((l) => `  ${l}\n`).join('');
  s += goLine(' Experimental:', i.ExperimentalBuild ?? false) + registryLines(i) + goLine(' Live Restore Enabled:', i.LiveRestoreEnabled ?? false);
  if (i.ProductLicense) s += goLine(' Product License:', i.ProductLicense);
  const pools = i.DefaultAddressPools ?? [];
  if (pools.length > 0) s += goLine(' Default Address Pools:') + pools.map((x) => `   Base: ${x.Base ?? ''}, Size: ${x.Size ?? 0}\n`).join('');
  return `${s}\n`;
}

function securityLines(opts: readonly string[]): string {
  let s = goLine(' Security Options:');
  for (const opt of opts) {
    const kv = Object.fromEntries(opt.split(',').map((f) => f.split('=', 2) as [string, string]));
    s += `  ${kv.name ?? opt}\n`;
    if (kv.profile) s += goLine('   Profile:', kv.profile);
  }
  return s;
}

function registryLines(i: SystemInfo): string {
  const rc = i.RegistryConfig;
  if (!rc) return '';
  let s = '';
  const indexes = Object.values(rc.IndexConfigs ?? {});
  const cidrs = rc.InsecureRegistryCIDRs ?? [];
  if (indexes.length > 0 || cidrs.length > 0) {
    s += goLine(' Insecure Registries:');
    for (const ic of indexes) if (ic && !ic.Secure) s += `  ${ic.Name ?? ''}\n`;
    for (const c of cidrs) s += `  ${c}\n`;
  }
  const mirrors = rc.Mirrors ?? [];
  if (mirrors.length > 0) s += goLine(' Registry Mirrors:') + mirrors.map((m) => `  ${m}\n`).join('');
  return s;
}

const FLAGS = [{ name: 'format', short: 'f', type: 'string', usage: INSPECT_FORMAT_HELP }] as const;

/** command is `wharf info` (`wharf system info`): client and daemon facts, as docker lays them out. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { io } = ctx;
    const format = ctx.flags.format;
    // compat: docker's info shows the client facts without the negotiated API version.
    const { ApiVersion: _api, ...facts } = clientVersion('');
    const clientInfo = { Debug: ctx.globals.debug, ...facts, Plugins: [], Warnings: null };
    let server: SystemInfo | undefined;
    let failure: unknown;
    try {
      server = await ctx.client().info();
    } catch (err) {
      failure = err;
    }
    // A daemon that cannot be reached fails the command; an error answer is reported as a server error.
    const unreachable = failure !== undefined && !isDaemonError(failure) && ['Unavailable', 'PermissionDenied'].includes(kindOf(failure));
    if (format !== '') return formatInfo(ctx, format, { ...(server ?? {}), ClientInfo: clientInfo }, failure, unreachable);
    io.stdout.write(`Client:\n${goLine(' Version:   ', facts.Version)}${goLine(' Context:   ', 'default')}${goLine(' Debug Mode:', ctx.globals.debug)}`);
    io.stdout.write('\nServer:\n');
    if (server) {
      io.stdout.write(serverLines(server, ctx.globals.debug));
      for (const w of server.Warnings ?? []) io.stderr.write(`${w}\n`);
      return;
    }
    if (unreachable) throw failure;
    io.stderr.write(`ERROR: ${formatError(failure)}\n`);
    throw new WharfError('Internal', 'WHARF_INFO_FAILED', 'errors pretty printing info');
  },
};

async function formatInfo(
  ctx: { io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } },
  format: string,
  data: Record<string, unknown>,
  failure: unknown,
  unreachable: boolean,
): Promise<void> {
  const { compileTemplate } = await import('../../render/template/template.js');
  let tmpl;
  try {
    tmpl = compileTemplate(format === 'json' ? '{{json .}}' : format);
  } catch (err) {
    throw badTemplate(err);
  }
  if (failure !== undefined && !unreachable) {
    data.ServerErrors = [formatError(failure)];
    ctx.io.stderr.write(`${formatError(failure)}\n`);
  }
  ctx.io.stdout.write(`${tmpl.execute(data)}\n`);
  if (unreachable) throw failure;
}
