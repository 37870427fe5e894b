import { WharfError } from '../../common/errors.js';

/**
 * runcMessage extracts the error text from what runc wrote to stderr (or its --log file): the `msg` of the last
 * JSON log line (--log-format json), else the msg="..." of a logrus text line, else the trimmed text itself.
 */
export function runcMessage(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (line.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed === 'object' && parsed !== null) {
          const { msg, level } = parsed as { msg?: unknown; level?: unknown };
          if (typeof msg === 'string' && (level === undefined || level === 'error' || level === 'fatal')) return msg;
        }
      } catch {
        // not JSON after all
      }
    }
    const text = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (text?.[1] !== undefined) return text[1].replace(/\\(.)/g, '$1');
  }
  return lines.join('\n');
}

const NOT_FOUND = /container does not exist|container ".*" does not exist/i;
const EXISTS = /container with id exists|already exists|id already in use/i;
const STATE = /container not (running|paused|stopped)|cannot (start|delete|pause|resume|kill|exec)|already running|in the \w+ state|has stopped|is not running/i;

/**
 * runcError turns a failed runc command into a WharfError of the right kind: NotFound when runc does not know the
 * container, AlreadyExists for a duplicate ID, Conflict when the operation does not fit the container's state
 * (`container not running`, `cannot start a container that has stopped`, ...), Internal otherwise. The message
 * keeps runc's own words.
 */
export function runcError(op: string, id: string, message: string, cause?: unknown): WharfError {
  const text = `runc ${op} ${id}: ${message}`;
  if (NOT_FOUND.test(message)) return new WharfError('NotFound', 'WHARF_NO_SUCH_RUNTIME_CONTAINER', text, { cause });
  if (EXISTS.test(message)) return new WharfError('AlreadyExists', 'WHARF_RUNTIME_CONTAINER_EXISTS', text, { cause });
  if (STATE.test(message)) return new WharfError('Conflict', 'WHARF_RUNTIME_STATE_CONFLICT', text, { cause });
  return new WharfError('Internal', 'WHARF_RUNTIME_FAILED', text, { cause });
}
