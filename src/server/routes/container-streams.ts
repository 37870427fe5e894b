import type { BlkioEntry } from '../../core/metrics/container-metrics.js';
import type { CpuSnapshot, StatsSample } from '../../services/containers/stats.js';
import type { EngineServices } from '../../services/engine-services.js';
import { serveHijacked, streamContentType } from '../hijack.js';
import { boolParam, boolParamOr } from '../query.js';
import { JsonLineStream, sendEmpty, sendJson } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { terminalSizeParams } from './exec.js';

/**
 * attachContainer is `POST /containers/{id}/attach`. Every check happens before the answer (so failures keep
 * their HTTP status); the answer (101, or 200 for old clients) goes out only once the session is connected to
 * the container's monitor, or registered for its next start: the docker CLI starts the container after it.
 */
async function attachContainer(services: EngineServices, ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const session = await services.streams.attach.prepare(ctx.params['name'] ?? '', {
    stdin: boolParam(q, 'stdin'),
    stdout: boolParam(q, 'stdout'),
    stderr: boolParam(q, 'stderr'),
    logs: boolParam(q, 'logs'),
    stream: boolParam(q, 'stream'),
    detachKeys: q.get('detachKeys') ?? '',
  });
  if (ctx.signal.aborted) {
    session.cancel();
    return;
  }
  try {
    await serveHijacked(ctx, streamContentType(ctx, session.tty), !session.tty, (client) => session.run(client, ctx.signal));
  } finally {
    session.cancel();
  }
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function blkio(entries: readonly BlkioEntry[] | undefined): unknown[] | null {
  // compat: Go encodes an empty list of entries as null.
  return entries === undefined || entries.length === 0 ? null : entries.map((e) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value }));
}

function cpuJson(s: CpuSnapshot): Record<string, unknown> {
  const c = s.cpu;
  return {
    cpu_usage: {
      total_usage: c?.totalNs ?? 0n,
      ...(c?.perCpuNs !== undefined && c.perCpuNs.length > 0 ? { percpu_usage: c.perCpuNs } : {}),
      usage_in_kernelmode: c?.systemNs ?? 0n,
      usage_in_usermode: c?.userNs ?? 0n,
    },
    ...(s.systemNs !== undefined && s.systemNs > 0n ? { system_cpu_usage: s.systemNs } : {}),
    ...(s.onlineCpus ? { online_cpus: s.onlineCpus } : {}),
    throttling_data: { periods: c?.periods ?? 0n, throttled_periods: c?.throttledPeriods ?? 0n, throttled_time: c?.throttledNs ?? 0n },
  };
}

/** toStatsJson renders a sample as moby's StatsResponse (omitempty fields left out as Go leaves them out). */
export function toStatsJson(s: StatsSample): Record<string, unknown> {
  const m = s.memory;
  const b = s.blkio;
  return {
    id: s.id,
    name: s.name,
    os_type: 'linux',
    read: s.read?.toISOString() ?? ZERO_TIME,
    preread: s.preRead?.toISOString() ?? ZERO_TIME,
    pids_stats: s.pids === undefined ? {} : { ...(s.pids.current > 0n ? { current: s.pids.current } : {}), ...(s.pids.limit ? { limit: s.pids.limit } : {}) },
    blkio_stats: {
      io_service_bytes_recursive: blkio(b?.serviceBytes),
      io_serviced_recursive: blkio(b?.serviced),
      io_queue_recursive: blkio(b?.queued),
      io_service_time_recursive: blkio(b?.serviceTime),
      io_wait_time_recursive: blkio(b?.waitTime),
      io_merged_recursive: blkio(b?.merged),
      io_time_recursive: blkio(b?.time),
      sectors_recursive: blkio(b?.sectors),
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(s.cpu),
    precpu_stats: cpuJson(s.preCpu),
    memory_stats:
      m === undefined
        ? {}
        : {
            ...(m.usage > 0n ? { usage: m.usage } : {}),
            ...(m.maxUsage ? { max_usage: m.maxUsage } : {}),
            stats: m.stats,
            ...(m.failcnt ? { failcnt: m.failcnt } : {}),
            ...(m.limit ? { limit: m.limit } : {}),
          },
  };
}

async function containerStats(services: EngineServices, ctx: RequestContext): Promise<void> {
  const ref = ctx.params['name'] ?? '';
  const opts = { stream: boolParamOr(ctx.query, 'stream', true), oneShot: boolParamOr(ctx.query, 'one-shot', false), signal: ctx.signal };
  services.streams.stats.check(ref, opts);
  // compat: dockerd's stats are newline-delimited JSON objects (json.Encoder), flushed one by one.
  const out = new JsonLineStream(ctx.res, { eol: '\n' });
  await services.streams.stats.stats(ref, opts, (sample) => out.write(toStatsJson(sample)));
  out.end();
}

/** addContainerStreamRoutes registers attach, resize, top and stats. */
export function addContainerStreamRoutes(router: Router, services: EngineServices): void {
  const name = (ctx: RequestContext): string => ctx.params['name'] ?? '';
  router
    .add('POST', '/containers/{name}/attach', (ctx) => attachContainer(services, ctx))
    .add('POST', '/containers/{name}/resize', async (ctx) => {
      await services.streams.attach.resize(name(ctx), terminalSizeParams(ctx.query));
      sendEmpty(ctx.res, 200);
    })
    .add('GET', '/containers/{name}/top', async (ctx) => {
      const top = await services.streams.top.top(name(ctx), ctx.query.get('ps_args') ?? '');
      sendJson(ctx.res, 200, { Titles: top.titles, Processes: top.processes });
    })
    .add('GET', '/containers/{name}/stats', (ctx) => containerStats(services, ctx));
}
