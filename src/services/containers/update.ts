import { invalidArgument } from '../../common/errors.js';
import type { ResourcesSpec, RestartPolicy } from '../../core/container/container-spec.js';
import { readResources } from '../../core/container/resources.js';
import { invalidConfig, WireReader } from '../../core/container/wire-reader.js';
import { withResources } from '../../core/oci/resource-opts.js';
import { composeSpec } from '../../core/oci/spec-opts.js';
import { defaultSpec } from '../../core/oci/spec-defaults.js';
import { eventAttributes, isActive } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { resourcesToWire } from './resources-wire.js';

// compat: moby's UpdateConfig: an integer field left at 0 means "no change"; PidsLimit is a pointer (absent = no change).
const UPDATABLE = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight'] as const;
const UPDATABLE_STRINGS = ['CpusetCpus', 'CpusetMems'] as const;

function readRestartPolicy(r: WireReader, v: unknown, current: RestartPolicy): RestartPolicy {
  const o = r.optObject(v, 'RestartPolicy');
  if (o === undefined) return current;
  const name = r.str(o.Name, 'RestartPolicy.Name') || 'no';
  const max = r.int(o.MaximumRetryCount, 'RestartPolicy.MaximumRetryCount');
  if (name !== 'no' && name !== 'always' && name !== 'on-failure' && name !== 'unless-stopped') {
    throw invalidConfig(`invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
  if (max < 0) throw invalidConfig('invalid restart policy: maximum retry count cannot be negative');
  if (max > 0 && name !== 'on-failure') throw invalidConfig(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  return { name, maximumRetryCount: max };
}

function mergeResources(r: WireReader, body: Record<string, unknown>, current: ResourcesSpec, cpuCount: number, warnings: string[]): ResourcesSpec {
  const hc: Record<string, unknown> = resourcesToWire(current);
  for (const key of UPDATABLE) {
    const v = r.int(body[key], key);
    if (v !== 0) hc[key] = v;
  }
  for (const key of UPDATABLE_STRINGS) {
    const v = r.str(body[key], key);
    if (v !== '') hc[key] = v;
  }
  // NanoCpus and an explicit CFS period/quota exclude each other: setting one clears the other.
  if (r.int(body.NanoCpus, 'NanoCpus') !== 0) hc.CpuPeriod = hc.CpuQuota = 0;
  else if (r.int(body.CpuPeriod, 'CpuPeriod') !== 0 || r.int(body.CpuQuota, 'CpuQuota') !== 0) hc.NanoCpus = 0;
  const pids = r.optInt(body.PidsLimit, 'PidsLimit');
  if (pids !== undefined) hc.PidsLimit = pids;
  // A new memory limit without a swap limit keeps Docker's default of twice the memory.
  if (r.int(body.Memory, 'Memory') !== 0 && r.int(body.MemorySwap, 'MemorySwap') === 0 && current.memorySwap === current.memory * 2) hc.MemorySwap = 0;
  return readResources(r, hc, cpuCount, warnings);
}

/** ociResources is config.json's linux.resources for a ResourcesSpec (without devices: runc update does not take them). */
function ociResources(resources: ResourcesSpec): Record<string, unknown> {
  const { devices: _devices, ...rest } = composeSpec(defaultSpec(), withResources(resources)).linux.resources;
  return rest;
}

/**
 * updateContainer is `POST /containers/{id}/update`: new cgroup limits (Memory, MemorySwap, MemoryReservation,
 * NanoCpus, CpuShares, CpuPeriod/CpuQuota, cpusets, PidsLimit, BlkioWeight) and restart policy, validated with
 * Docker's rules, applied to the running container through the runtime, then stored. Returns Docker's Warnings.
 */
export async function updateContainer(ctx: EngineContext, ref: string, body: unknown): Promise<string[]> {
  const id = ctx.store.get(ref).id;
  const r = new WireReader();
  const o = body === undefined || body === null ? {} : r.object(body, '');
  const warnings: string[] = [];
  return ctx.store.withLock(id, async () => {
    const current = ctx.store.get(id);
    if (current.state.status === 'removing' || current.state.status === 'dead') {
      throw invalidArgument('WHARF_INVALID_CONTAINER_CONFIG', `Cannot update container ${id}: container is marked for removal and cannot be "update"`);
    }
    const resources = mergeResources(r, o, current.spec.resources, ctx.host.facts.cpuCount, warnings);
    const restartPolicy = readRestartPolicy(r, o.RestartPolicy, current.spec.restartPolicy);
    if (current.spec.autoRemove && restartPolicy.name !== 'no') {
      throw invalidConfig('Restart policy cannot be updated because AutoRemove is enabled for the container');
    }
    if (isActive(current)) await ctx.runtime.update(id, ociResources(resources));
    const updated = await ctx.store.update(id, (c) => ({ ...c, spec: { ...c.spec, resources, restartPolicy } }));
    ctx.events.publish({ type: 'container', action: 'update', actor: { id, attributes: eventAttributes(updated) } });
    return warnings;
  });
}
