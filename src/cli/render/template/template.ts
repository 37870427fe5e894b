import { WharfError } from '../../../common/errors.js';
import { executeTemplate, type FuncMap, type TemplateFunc } from './exec.js';
import { BASIC_FUNCS, HEADER_FUNCS } from './funcs.js';
import { parseTemplate, type Template } from './parse.js';

/** CompiledTemplate is a parsed `--format` template ready to run against data. */
export interface CompiledTemplate {
  /**
   * execute runs the template; `missingKey: 'error'` makes absent map keys an error (docker's inspect fallback),
   * `partial` receives the output rendered before an error.
   */
  execute(data: unknown, opts?: { missingKey?: 'default' | 'error'; partial?: { text: string } }): string;
  /** executeHeader runs the template against a table header map with docker's header functions; errors keep partial output. */
  executeHeader(header: Readonly<Record<string, string>>): string;
}

/**
 * compileTemplate parses a Go text/template as docker's `templates.Parse` does (docker's functions json, split,
 * join, title, lower, upper, pad, truncate plus Go's builtins). Errors are WharfErrors with Go's wording, e.g.
 * `template: :1: unclosed action`.
 */
export function compileTemplate(src: string, name = '', extra: Readonly<Record<string, TemplateFunc>> = {}): CompiledTemplate {
  const funcs: FuncMap = { ...BASIC_FUNCS, ...extra };
  const tmpl: Template = parseTemplate(name, src, new Set(Object.keys(funcs)));
  return {
    execute: (data, opts) => executeTemplate(tmpl, data, { funcs, missingKey: opts?.missingKey ?? 'default', partial: opts?.partial }),
    executeHeader: (header) => {
      const out: { text: string } = { text: '' };
      try {
        out.text = executeTemplate(tmpl, header, { funcs: { ...HEADER_FUNCS, ...extra }, partial: out });
      } catch {
        // compat: docker ignores header execution errors and prints what was rendered so far.
      }
      return out.text;
    },
  };
}

/** templateParsingError wraps a template error as docker reports it: `template parsing error: <go error>`. */
export function templateParsingError(err: unknown): WharfError {
  const msg = err instanceof Error ? err.message : String(err);
  return new WharfError('InvalidArgument', 'WHARF_TEMPLATE_INVALID', `template parsing error: ${msg}`, { cause: err });
}
