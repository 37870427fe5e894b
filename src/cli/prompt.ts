import type { Readable, Writable } from 'node:stream';

/** readLine reads one line from a stream (without the newline); undefined at end of input. */
export async function readLine(input: Readable): Promise<string | undefined> {
  let buf = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    buf += chunk as string;
    const nl = buf.indexOf('\n');
    if (nl >= 0) return buf.slice(0, nl);
  }
  return buf === '' ? undefined : buf;
}

/**
 * confirm is docker's prompt.Confirm: print `message [y/N] ` to out and read one line; only "y" or "Y" (spaces
 * trimmed) is yes.
 */
export async function confirm(input: Readable, out: Writable, message: string): Promise<boolean> {
  out.write(`${message} [y/N] `);
  const answer = await readLine(input);
  return answer !== undefined && answer.trim().toLowerCase() === 'y';
}
