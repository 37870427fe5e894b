import { WharfError } from '../../../common/errors.js';

/** TEMPLATE_ERROR_CODE is the code of every --format template error (parse or execution). */
export const TEMPLATE_ERROR_CODE = 'WHARF_TEMPLATE_INVALID';

function lineOf(src: string, pos: number): { line: number; col: number } {
  const before = src.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: pos - (nl + 1) };
}

/** templateError is a parse error worded as Go's text/template: `template: NAME:LINE: MSG`. */
export function templateError(name: string, src: string, pos: number, msg: string): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_TEMPLATE_INVALID', `template: ${name}:${lineOf(src, pos).line}: ${msg}`);
}

/** execError is an execution error worded as Go's: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`. */
export function execError(name: string, src: string, pos: number, node: string, msg: string): WharfError {
  const { line, col } = lineOf(src, pos);
  return new WharfError(
    'InvalidArgument',
    'WHARF_TEMPLATE_INVALID',
    `template: ${name}:${line}:${col}: executing "${name}" at <${node}>: ${msg}`,
  );
}
