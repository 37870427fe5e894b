import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import type { EngineClient } from '../../client/engine-client.js';
import type { JsonMessage } from '../../client/json-stream.js';
import { WharfError, isNotFound } from '../../common/errors.js';
import { familiarString, parseReference, repositoryName, withDefaultTag, type Reference } from '../../common/reference.js';
import type { CreateRequestBody } from './create-body.js';

// docker's createContainer (cli/command/container/create.go): the --cidfile, the image reference, --pull, the
// create call with "Unable to find image" and a pull when the image is missing, and the daemon's warnings.

/** PULL_POLICIES are the values of --pull. */
export const PULL_POLICIES = ['always', 'missing', 'never'] as const;

/** CreateOptions are the create flags that are not part of the body. */
export interface CreateOptions {
  readonly name: string;
  /** `os[/arch[/variant]]` or ''. */
  readonly platform: string;
  readonly pull: string;
  readonly quiet: boolean;
  /** --cidfile path or ''. */
  readonly cidfile: string;
}

/** validatePullPolicy is docker's validatePullOpt wording (the caller adds the --help hint). */
export function validatePullPolicy(value: string): string | undefined {
  if (value === '' || (PULL_POLICIES as readonly string[]).includes(value)) return undefined;
  return `invalid pull option: '${value}': must be one of "always", "missing" or "never"`;
}

/** CidFile is docker's cidFile: created before the container, removed again if no ID was written. */
class CidFile {
  readonly #path: string;
  #fd: number | undefined;
  #written = false;

  constructor(path: string) {
    this.#path = path;
    if (path === '') return;
    let exists = true;
    try {
      statSync(path);
    } catch {
      exists = false;
    }
    if (exists) throw new WharfError('AlreadyExists', 'WHARF_CIDFILE_EXISTS', `container ID file found, make sure the other container isn't running or delete ${path}`);
    try {
      this.#fd = openSync(path, 'w', 0o666);
    } catch (err) {
      throw new WharfError('Internal', 'WHARF_CIDFILE', `failed to create the container ID file: ${(err as Error).message}`, { cause: err });
    }
  }

  write(id: string): void {
    if (this.#fd === undefined) return;
    try {
      writeSync(this.#fd, id);
    } catch (err) {
      throw new WharfError('Internal', 'WHARF_CIDFILE', `failed to write the container ID to the file: ${(err as Error).message}`, { cause: err });
    }
    this.#written = true;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    if (!this.#written) unlinkSync(this.#path);
  }
}

/** imageReference is docker's ParseAnyReference + TagNameOnly: the named reference with `:latest` when untagged. */
function imageReference(image: string): Reference {
  try {
    return withDefaultTag(parseReference(image));
  } catch (err) {
    // compat: docker's reference errors do not quote the input.
    const msg = err instanceof Error ? err.message.replace(/: "[^"]*"$/, '') : String(err);
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_REFERENCE', msg, { cause: err });
  }
}

async function pullImage(client: EngineClient, ref: Reference, opts: CreateOptions, stderr: Writable): Promise<void> {
  const { imagePull } = await import('../../client/containers-api.js');
  // compat: docker's client sends the full name (docker.io/library/busybox) and the digest, else the tag.
  const res = await imagePull(client, repositoryName(ref), ref.digest ?? ref.tag ?? 'latest', opts.platform);
  const [{ readJsonStream }, { displayJsonMessages }] = await Promise.all([import('../../client/json-stream.js'), import('../render/json-message.js')]);
  const out = opts.quiet ? new PassThrough().resume() : stderr;
  await displayJsonMessages(readJsonStream(res) as AsyncIterable<JsonMessage>, out, { isTerminal: false });
}

/** localhostDnsWarning is docker's client-side warning for a loopback --dns server. */
function localhostDnsWarning(dns: unknown): string | undefined {
  const loopback = Array.isArray(dns) ? dns.find((ip) => typeof ip === 'string' && (/^127\./.test(ip) || ip === '::1')) : undefined;
  return loopback === undefined ? undefined : `Localhost DNS (${String(loopback)}) may fail in containers.`;
}

/**
 * createContainer creates the container as docker's CLI does and returns its ID: the ID file is reserved first, a
 * missing image (404) with `--pull missing` prints `Unable to find image 'x:latest' locally`, is pulled and the
 * create retried; the daemon's warnings are printed as `WARNING: ...`.
 */
export async function createContainer(client: EngineClient, body: CreateRequestBody, opts: CreateOptions, stderr: Writable): Promise<string> {
  const cid = new CidFile(opts.cidfile);
  try {
    const ref = imageReference(String(body.Image));
    const { containerCreate } = await import('../../client/containers-api.js');
    const platform = opts.platform === '' ? undefined : opts.platform.toLowerCase();
    if (opts.pull === 'always') await pullImage(client, ref, opts, stderr);
    let res;
    try {
      res = await containerCreate(client, body, { name: opts.name, platform });
    } catch (err) {
      if (!isNotFound(err) || opts.pull !== 'missing') throw err;
      if (!opts.quiet) stderr.write(`Unable to find image '${familiarString(ref)}' locally\n`);
      await pullImage(client, ref, opts, stderr);
      res = await containerCreate(client, body, { name: opts.name, platform });
    }
    const warnings = [...(res.Warnings ?? [])];
    const dns = localhostDnsWarning(body.HostConfig.Dns);
    if (dns) warnings.push(dns);
    for (const w of warnings) stderr.write(`WARNING: ${w}\n`);
    cid.write(res.Id);
    return res.Id;
  } finally {
    cid.close();
  }
}
