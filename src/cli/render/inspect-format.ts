import { WharfError, isNotFound } from '../../common/errors.js';
import { badTemplate, formatError } from '../run-cli.js';
import { indentJson } from './json-indent.js';
import { compileTemplate, templateParsingError, type CompiledTemplate } from './template/template.js';

/** GetRaw fetches one object's inspect JSON text by reference. */
export type GetRaw = (ref: string) => Promise<string>;

/** InspectOutcome is what inspectObjects produced: the text for stdout and the collected per-reference errors. */
export interface InspectOutcome {
  readonly output: string;
  readonly errors: readonly unknown[];
}

function compile(format: string): CompiledTemplate | undefined {
  if (format === '' || format === 'json') return undefined;
  try {
    return compileTemplate(format);
  } catch (err) {
    throw badTemplate(err);
  }
}

/**
 * inspectObjects is docker's inspect.Inspect: fetch every reference (errors are collected, not fatal), then print a
 * JSON array of the daemon's raw objects indented by 4 spaces (compact for `json`), or each object through the
 * --format template, one per line.
 */
export async function inspectObjects(refs: readonly string[], format: string, getRaw: GetRaw): Promise<InspectOutcome> {
  const tmpl = compile(format);
  const raws: string[] = [];
  let text = '';
  const errors: unknown[] = [];
  for (const ref of refs) {
    let raw: string;
    try {
      raw = await getRaw(ref);
    } catch (err) {
      errors.push(err);
      continue;
    }
    if (!tmpl) {
      raws.push(raw.trim());
      continue;
    }
    try {
      text += `${tmpl.execute(JSON.parse(raw))}\n`;
    } catch (err) {
      errors.push(err instanceof WharfError && err.code === 'WHARF_TEMPLATE_INVALID' ? templateParsingError(err) : err);
    }
  }
  let output: string;
  if (tmpl) output = text === '' ? '\n' : text;
  else if (raws.length === 0) output = '[]\n';
  else output = `${indentJson(`[${raws.join(',')}]`, format === 'json' ? undefined : '    ')}\n`;
  return { output, errors };
}

/** joinedInspectError is docker's errors.Join of the per-reference errors (one line each), exit status 1. */
export function joinedInspectError(errors: readonly unknown[]): WharfError {
  const message = errors.map(formatError).join('\n');
  return errors.every(isNotFound)
    ? new WharfError('NotFound', 'WHARF_INSPECT_FAILED', message)
    : new WharfError('Internal', 'WHARF_INSPECT_FAILED', message);
}
