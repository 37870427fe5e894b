import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerList } from '../../../client/containers-admin-api.js';
import type { EngineClient } from '../../../client/engine-client.js';
import type { CommandSpec } from '../../command.js';
import { FORMAT_HELP } from '../../flags/parse-flags.js';
import { TABLE_KEY, renderRows } from '../../render/format.js';
import { joinedError } from './parallel-operation.js';
import { StatsCollector } from './stats-collector.js';
import { DEFAULT_STATS_TABLE, STATS_HEADER, StatsContext } from './stats-context.js';

/** REFRESH_MS is docker's redraw interval (a 500 ms ticker; the first table comes after one tick). */
export const REFRESH_MS = 500;

const FLAGS = [
  { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
  { name: 'format', type: 'string', usage: FORMAT_HELP },
  { name: 'no-stream', type: 'bool', usage: 'Disable streaming stats and only pull the first result' },
  { name: 'no-trunc', type: 'bool', usage: 'Do not truncate output' },
] as const;

/**
 * watchContainerEvents is docker's monitorContainerEvents: containers that start (or, with --all, are created)
 * join the table, and without --all those that die leave it. The subscription is made before the first listing,
 * so no start is missed; it resolves with the first error of the event stream, or never.
 */
async function watchContainerEvents(client: EngineClient, collector: StatsCollector, all: boolean, signal: AbortSignal): Promise<() => Promise<void>> {
  const res = await client.call({ method: 'GET', path: '/events', query: { filters: JSON.stringify({ type: ['container'] }) }, signal });
  const { readJsonStream } = await import('../../../client/json-stream.js');
  return async () => {
    for await (const raw of readJsonStream(res)) {
      const ev = raw as { Action?: string; Actor?: { ID?: string } };
      const id = (ev.Actor?.ID ?? '').slice(0, 12);
      if (ev.Action === 'start' || (all && ev.Action === 'create')) collector.add(id);
      else if (!all && ev.Action === 'die') collector.remove(id);
    }
  };
}

/** redraw is docker's streaming frame: home the cursor, draw, then redraw each line with erase-to-end and clear below. */
export function redraw(table: string): string {
  const first = `\x1b[H${table}`;
  return `${first}${first.split('\n').map((line) => `${line} \x1b[K\n`).join('')}\x1b[J`;
}

async function render(format: string, collector: StatsCollector, trunc: boolean, stream: boolean, out: Writable): Promise<void> {
  const rows = collector.entries.map((e) => new StatsContext(e, trunc));
  const table = await renderRows(format, rows, STATS_HEADER);
  out.write(stream ? redraw(table) : table);
}

/** StatsRunOptions are `wharf stats`' flags and arguments. */
export interface StatsRunOptions {
  readonly containers: readonly string[];
  readonly all: boolean;
  readonly stream: boolean;
  readonly trunc: boolean;
  readonly format: string;
}

/**
 * runStats is docker's RunStats: collect, then print a table every 500 ms (once with --no-stream). Streaming goes on
 * until `signal` aborts (the CLI passes none: like docker, it runs until interrupted) or, for named containers,
 * until none is left.
 */
export async function runStats(client: EngineClient, o: StatsRunOptions, out: Writable, signal?: AbortSignal): Promise<void> {
  const showAll = o.containers.length === 0;
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const collector = new StatsCollector(client, o.stream, ac.signal);
  let eventsFailure: unknown;
  try {
    if (showAll) {
      const watch = await watchContainerEvents(client, collector, o.all, ac.signal);
      watch().catch((err: unknown) => {
        if (!ac.signal.aborted) eventsFailure = err;
      });
      for (const c of await containerList(client, { all: o.all })) collector.add((c.Id ?? '').slice(0, 12));
      await collector.waitFirst();
    } else {
      for (const name of o.containers) collector.add(name);
      await collector.waitFirst();
      const errors = collector.entries.filter((e) => e.error !== undefined).map((e) => e.error);
      if (errors.length > 0) throw joinedError(errors);
    }
    const format = o.format === '' || o.format === TABLE_KEY ? DEFAULT_STATS_TABLE : o.format;
    while (!ac.signal.aborted) {
      try {
        await sleep(REFRESH_MS, undefined, { signal: ac.signal });
      } catch {
        break;
      }
      await render(format, collector, o.trunc, o.stream, out);
      if (!o.stream || (collector.entries.length === 0 && !showAll)) break;
      if (eventsFailure !== undefined) throw eventsFailure;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    ac.abort();
  }
}

/** command is `wharf stats` (`wharf container stats`): live CPU, memory, network, block I/O and PIDs per container. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] [CONTAINER...]',
  args: {},
  flags: FLAGS,
  async run(ctx) {
    const { flags } = ctx;
    const options = { containers: ctx.args, all: flags.all, stream: !flags['no-stream'], trunc: !flags['no-trunc'], format: flags.format };
    await runStats(ctx.client(), options, ctx.io.stdout);
  },
};
