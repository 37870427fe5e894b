import { displayWidth } from './tabwriter.js';

/**
 * ellipsis is docker's formatter.Ellipsis: cut s to `max` display columns, the last one being "…". A width of 1
 * keeps the first character; 0 or less gives "".
 */
export function ellipsis(s: string, max: number): string {
  if (max <= 0) return '';
  const chars = [...s];
  if (max === 1) return chars[0] ?? '';
  if (displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const ch of chars) {
    const cw = displayWidth(ch);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}
