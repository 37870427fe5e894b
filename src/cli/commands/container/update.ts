import { containerUpdate, type UpdateConfig } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandContext, CommandSpec } from '../../command.js';
import { memSwapBytes, parseCpus, parseUint, ramInBytes } from '../../container-options/values.js';
import { usageError } from '../../flags/parse-flags.js';
import { formatError } from '../../run-cli.js';
import { parseRestartPolicy } from './restart-policy.js';

const USAGE = '[OPTIONS] CONTAINER [CONTAINER...]';

// compat: pflag types bytes (memory), decimal (cpus) and uint16 (blkio-weight) are parsed here, after the flag
// grammar, with pflag's error wording; their help shows `string`.
const FLAGS = [
  { name: 'blkio-weight', type: 'string', usage: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
  { name: 'cpu-period', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-rt-period', type: 'int', usage: 'Limit the CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', type: 'int', usage: 'Limit the CPU real-time runtime in microseconds' },
  { name: 'cpu-shares', short: 'c', type: 'int', usage: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', usage: 'Number of CPUs' },
  { name: 'cpuset-cpus', type: 'string', usage: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', usage: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'kernel-memory', type: 'string', usage: 'Kernel memory limit (deprecated)', hidden: true },
  { name: 'memory', short: 'm', type: 'string', usage: 'Memory limit' },
  { name: 'memory-reservation', type: 'string', usage: 'Memory soft limit' },
  { name: 'memory-swap', type: 'string', usage: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
  { name: 'pids-limit', type: 'int', usage: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'restart', type: 'string', usage: 'Restart policy to apply when a container exits' },
] as const;

type Ctx = CommandContext<typeof FLAGS>;
type ValueFlag = 'blkio-weight' | 'cpus' | 'kernel-memory' | 'memory' | 'memory-reservation' | 'memory-swap';

/** flagValue parses one typed flag as pflag would have: unset is 0, a bad value is a usage error (exit 125). */
function flagValue(ctx: Ctx, name: ValueFlag, parse: (v: string) => number): number {
  if (!ctx.changed.has(name)) return 0;
  const value = ctx.flags[name];
  try {
    return parse(value);
  } catch (err) {
    const spec = FLAGS.find((f) => f.name === name);
    const label = spec && 'short' in spec ? `-${spec.short}, --${name}` : `--${name}`;
    const msg = `invalid argument "${value}" for "${label}" flag: ${(err as Error).message}`;
    throw usageError(`${msg}\n\nUsage:  ${ctx.path} ${USAGE}\n\nRun '${ctx.path} --help' for more information`);
  }
}

/**
 * updateConfig builds the body docker's client sends: its whole Resources struct with zero values (which the daemon
 * reads as "unchanged"), PidsLimit only when given and not 0, and the restart policy.
 */
export function updateConfig(ctx: Ctx): UpdateConfig {
  const { flags } = ctx;
  let restart;
  try {
    restart = parseRestartPolicy(flags.restart);
  } catch (err) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_RESTART_POLICY', (err as Error).message);
  }
  const kernelMemory = flagValue(ctx, 'kernel-memory', ramInBytes);
  const body: Record<string, unknown> = {
    CpuShares: flags['cpu-shares'], Memory: flagValue(ctx, 'memory', ramInBytes), NanoCpus: flagValue(ctx, 'cpus', parseCpus),
    CgroupParent: '', BlkioWeight: flagValue(ctx, 'blkio-weight', (v) => parseUint(v, 16)),
    BlkioWeightDevice: null, BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null,
    CpuPeriod: flags['cpu-period'], CpuQuota: flags['cpu-quota'],
    CpuRealtimePeriod: flags['cpu-rt-period'], CpuRealtimeRuntime: flags['cpu-rt-runtime'],
    CpusetCpus: flags['cpuset-cpus'], CpusetMems: flags['cpuset-mems'],
    Devices: null, DeviceCgroupRules: null, DeviceRequests: null,
    ...(kernelMemory !== 0 ? { KernelMemory: kernelMemory } : {}),
    MemoryReservation: flagValue(ctx, 'memory-reservation', ramInBytes), MemorySwap: flagValue(ctx, 'memory-swap', memSwapBytes),
    MemorySwappiness: null, OomKillDisable: null, PidsLimit: flags['pids-limit'] !== 0 ? flags['pids-limit'] : null, Ulimits: null,
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    RestartPolicy: restart,
  };
  return body as UpdateConfig;
}

/** command is `wharf update` (`wharf container update`): change resource limits and the restart policy of containers. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: USAGE,
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    if (ctx.changed.size === 0) {
      throw new WharfError('InvalidArgument', 'WHARF_CLI_ARGUMENTS', 'you must provide one or more flags when using this command');
    }
    const config = updateConfig(ctx);
    const client = ctx.client();
    const warnings: string[] = [];
    const errors: string[] = [];
    for (const name of ctx.args) {
      try {
        warnings.push(...(await containerUpdate(client, name, config)));
        ctx.io.stdout.write(`${name}\n`);
      } catch (err) {
        errors.push(formatError(err));
      }
    }
    if (warnings.length > 0) ctx.io.stdout.write(`${warnings.join('\n')}\n`);
    if (errors.length > 0) throw new WharfError('Internal', 'WHARF_CONTAINER_OPERATION_FAILED', errors.join('\n'));
  },
};
