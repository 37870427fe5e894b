import type { CompiledTemplate } from './template/template.js';
import { TabWriter } from './tabwriter.js';

/** TABLE_KEY is the --format value (or prefix) for a table with a header row (docker's TableFormatKey). */
export const TABLE_KEY = 'table';
/** JSON_KEY is the --format value for one JSON object per row (docker's JSONFormatKey). */
export const JSON_KEY = 'json';

/** isTableFormat tells whether a --format value renders a table (starts with "table"). */
export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_KEY);
}

/**
 * prepareFormat is docker's preFormat: drop the `table` prefix, turn `json` into `{{json .}}`, trim spaces and
 * turn the two-character escapes `\t` and `\n` into a tab and a newline.
 */
export function prepareFormat(format: string): string {
  let f = format;
  if (isTableFormat(f)) f = f.slice(TABLE_KEY.length);
  else if (f === JSON_KEY) f = '{{json .}}';
  // compat: docker trims spaces only (strings.Trim(format, " ")), so `--format raw` keeps its final newline.
  return f.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

/** parseFormat compiles a list format (the template engine is loaded on first use); errors read `template parsing error: ...`. */
export async function parseFormat(format: string): Promise<CompiledTemplate> {
  const { compileTemplate, templateParsingError } = await import('./template/template.js');
  try {
    return compileTemplate(prepareFormat(format));
  } catch (err) {
    throw templateParsingError(err);
  }
}

type Part = { text: string } | { field: string };

/**
 * plainFields splits a format made only of text and `{{.Field}}` actions (every default table is) into parts, so
 * that it renders without loading the template engine (start-up time); anything else gives undefined.
 */
function plainFields(format: string): Part[] | undefined {
  if (format.includes('{{-') || format.includes('-}}')) return undefined;
  const parts: Part[] = [];
  const re = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    parts.push({ text: format.slice(last, m.index) }, { field: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  const tail = format.slice(last);
  if (tail.includes('{{') || parts.some((p) => 'text' in p && p.text.includes('{{'))) return undefined;
  parts.push({ text: tail });
  return parts;
}

function renderPlain(parts: readonly Part[], value: (field: string) => string): string {
  return parts.map((p) => ('text' in p ? p.text : value(p.field))).join('');
}

/** plainValue reads a getter for the fast path; undefined (unknown field, non-string) sends us to the engine. */
function plainValue(row: object, field: string): string | undefined {
  const v: unknown = field in row ? (row as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/**
 * renderRows is docker's formatter.Context.Write for list commands: each row through the template, one per line;
 * for a `table` format the header row comes from running the template on `header` (field name to column title,
 * e.g. `ID` to `IMAGE ID`), and everything is aligned with docker's tabwriter (minwidth 10, padding 3).
 */
export async function renderRows(format: string, rows: readonly object[], header: Readonly<Record<string, string>>): Promise<string> {
  const prepared = prepareFormat(format);
  const parts = plainFields(prepared);
  const table = isTableFormat(format);
  if (parts && rows.every((r) => parts.every((p) => 'text' in p || plainValue(r, p.field) !== undefined))) {
    const body = rows.map((r) => `${renderPlain(parts, (f) => plainValue(r, f) ?? '')}\n`).join('');
    if (!table) return body;
    return alignTable(`${renderPlain(parts, (f) => header[f] ?? '<no value>')}\n${body}`);
  }
  const { templateParsingError } = await import('./template/template.js');
  const tmpl = await parseFormat(format);
  let body = '';
  for (const row of rows) {
    try {
      body += `${tmpl.execute(row)}\n`;
    } catch (err) {
      throw templateParsingError(err);
    }
  }
  if (!table) return body;
  return alignTable(`${tmpl.executeHeader(header)}\n${body}`);
}

/** alignTable runs text through docker's table tabwriter (minwidth 10, tabwidth 1, padding 3, spaces). */
export function alignTable(text: string): string {
  const tw = new TabWriter(10, 3);
  tw.write(text);
  return tw.flush();
}
