import { TabWriter } from './tabwriter.js';
import { compileTemplate, templateParsingError, type CompiledTemplate } from './template/template.js';

/** TABLE_KEY and JSON_KEY are the special --format values (docker's formatter.TableFormatKey / JSONFormatKey). */
export const TABLE_KEY = 'table';
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
  return f.trim().replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

/** parseFormat compiles a prepared list format; errors read `template parsing error: ...`. */
export function parseFormat(format: string): CompiledTemplate {
  try {
    return compileTemplate(prepareFormat(format));
  } catch (err) {
    throw templateParsingError(err);
  }
}

/**
 * renderRows is docker's formatter.Context.Write for list commands: each row through the template, one per line;
 * for a `table` format the header row comes from running the template on `header` (field name to column title,
 * e.g. `ID` to `IMAGE ID`), and everything is aligned with docker's tabwriter (minwidth 10, padding 3).
 */
export function renderRows(format: string, rows: readonly object[], header: Readonly<Record<string, string>>): string {
  const tmpl = parseFormat(format);
  let body = '';
  for (const row of rows) {
    try {
      body += `${tmpl.execute(row)}\n`;
    } catch (err) {
      throw templateParsingError(err);
    }
  }
  if (!isTableFormat(format)) return body;
  return alignTable(`${tmpl.executeHeader(header)}\n${body}`);
}

/** alignTable runs text through docker's table tabwriter (minwidth 10, tabwidth 1, padding 3, spaces). */
export function alignTable(text: string): string {
  const tw = new TabWriter(10, 3);
  tw.write(text);
  return tw.flush();
}
