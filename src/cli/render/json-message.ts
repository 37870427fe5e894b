import type { Writable } from 'node:stream';
import type { JsonMessage } from '../../client/json-stream.js';
import { WharfError } from '../../common/errors.js';
import { formatRfc3339NanoFixed } from './go-time.js';
import { humanSize } from './units.js';

/** progressText is docker's JSONProgress.String(): a bar (wide terminals) and current/total sizes. */
export function progressText(p: NonNullable<JsonMessage['progressDetail']>, width: number): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return p.units ? `${current} ${p.units}` : humanSize(current).padStart(8);
  const pct = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar = width > 110 ? `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] ` : '';
  let numbers = '';
  if (p.hidecounts) numbers = '';
  else if (!p.units) numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  else numbers = current > total ? `${current} ${p.units}` : `${current}/${total} ${p.units}`;
  return bar + numbers;
}

function messageError(m: JsonMessage): WharfError | undefined {
  const text = m.errorDetail?.message ?? m.error;
  if (text === undefined) return undefined;
  return new WharfError('Internal', 'WHARF_STREAM_ERROR', text);
}

/**
 * displayJsonMessages is docker's jsonmessage.DisplayJSONMessagesStream: status and stream lines as they come; on
 * a terminal, progress lines are redrawn in place per layer ID; elsewhere progress updates are dropped. A message
 * carrying an error ends the display with that error (printed as-is, not as a daemon error).
 */
export async function displayJsonMessages(
  messages: AsyncIterable<JsonMessage>,
  out: Writable,
  opts: { isTerminal: boolean; width?: number },
): Promise<void> {
  const ids = new Map<string, number>();
  for await (const m of messages) {
    if (m.aux !== undefined) continue;
    const progress = m.progressDetail ? progressText(m.progressDetail, opts.width ?? 80) : '';
    let diff = 0;
    if (m.id && (m.progressDetail || m.progress)) {
      let line = ids.get(m.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(m.id, line);
        if (opts.isTerminal) out.write('\n');
      }
      diff = ids.size - line;
      if (opts.isTerminal) out.write(`\x1b[${diff}A`);
    } else ids.clear();
    const err = messageError(m);
    if (!err) out.write(render(m, progress, opts.isTerminal));
    if (m.id && opts.isTerminal && diff > 0) out.write(`\x1b[${diff}B`);
    if (err) throw err;
  }
}

function render(m: JsonMessage, progress: string, isTerminal: boolean): string {
  let s = '';
  let endl = '';
  if (isTerminal && !m.stream && m.progressDetail) {
    s += '\x1b[2K\r';
    endl = '\r';
  } else if (m.progressDetail && progress !== '') return '';
  if (m.timeNano) s += `${formatRfc3339NanoFixed(BigInt(m.timeNano))} `;
  else if (m.time) s += `${formatRfc3339NanoFixed(BigInt(m.time) * 1_000_000_000n)} `;
  if (m.id) s += `${m.id}: `;
  if (m.from) s += `(from ${m.from}) `;
  if (m.progressDetail && isTerminal) s += `${m.status ?? ''} ${progress}${endl}`;
  else if (m.progress) s += `${m.status ?? ''} ${m.progress}${endl}`;
  else if (m.stream) s += `${m.stream}${endl}`;
  else s += `${m.status ?? ''}${endl}\n`;
  return s;
}
