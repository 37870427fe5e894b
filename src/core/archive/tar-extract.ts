import { once } from 'node:events';
import { extract as createExtract, type Extract, type Header } from 'tar-stream';
import { WharfError } from '../../common/errors.js';
import { invalidLayer } from './layer-path.js';
import type { LayerEntry, LayerEntryType, LayerWriter, UnpackStats } from './layer-writer.js';
import { parsePaxXattrs } from './pax-xattrs.js';

const RAW_XATTRS = Symbol('wharf.paxXattrs');
const NO_XATTRS: ReadonlyMap<string, Buffer> = new Map();
const MAX_ID = 0xfffffffe;
const ENTRY_TYPES: ReadonlySet<string> = new Set([
  'file',
  'directory',
  'symlink',
  'link',
  'character-device',
  'block-device',
  'fifo',
]);

/** RawHeader is a tar-stream header as it really arrives: fields may be null, and it carries the PAX records. */
interface RawHeader {
  readonly name: string;
  readonly type?: string | null;
  readonly mode?: number | null;
  readonly uid?: number | null;
  readonly gid?: number | null;
  readonly size?: number | null;
  readonly mtime?: Date | null;
  readonly linkname?: string | null;
  readonly devmajor?: number | null;
  readonly devminor?: number | null;
  readonly pax?: Record<string | symbol, unknown> | null;
}

/** ExtractInternals are the tar-stream 3.x internals used to read PAX headers byte-exactly (see keepRawPax). */
interface ExtractInternals {
  _header: { type?: string | null } | null;
  _pax: Record<string | symbol, unknown> | null;
  _decodeLongHeader(buf: Buffer): void;
}

/**
 * extractLayerTar feeds raw tar bytes through tar-stream's extract into `writer` and resolves once every entry
 * is written and directory metadata applied. Anything tar-stream rejects (truncation, garbage, bad checksums,
 * an entry longer than the stream) becomes WHARF_INVALID_LAYER; the writer's errors and the errors of `chunks`
 * itself pass through. Never hangs: every wait is tied to the extractor finishing, failing or being destroyed.
 */
export async function extractLayerTar(chunks: AsyncIterable<Uint8Array>, writer: LayerWriter): Promise<UnpackStats> {
  const ex = createExtract();
  keepRawPax(ex);
  let failure: unknown;
  let fileOpen = false;
  let written = false;
  let settle: (() => void) | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = () => {
      if (failure !== undefined) reject(failure);
      else if (written && !fileOpen) resolve();
    };
    ex.on('error', (err: unknown) => {
      failure ??= err;
      settle?.();
    });
    ex.on('close', () => {
      if (written) return;
      failure ??= invalidLayer('the tar stream was closed early');
      settle?.();
    });
    ex.on('finish', () => {
      written = true;
      settle?.();
    });
  });
  done.catch(() => undefined);
  const fail = (err: unknown): void => {
    failure ??= err;
    ex.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  ex.on('entry', (header: Header, stream, next) => {
    if (failure !== undefined) return;
    // tar-stream feeds (and, on failure, destroys with an error) only the streams of entries with data. The
    // extractor's failure is reported once, by `done`, so their errors need a listener but no handling.
    const hasData = header.size > 0;
    if (hasData) stream.on('error', ignore);
    try {
      const entry = toLayerEntry(header as unknown as RawHeader);
      writer.begin(entry);
      if (entry.type !== 'file') {
        // Not waiting for the end of non-file data: tar-stream never ends a directory's stream with a size.
        if (hasData) stream.resume();
        next();
        return;
      }
    } catch (err) {
      fail(err);
      return;
    }
    fileOpen = true;
    stream.on('data', (chunk: unknown) => {
      if (failure !== undefined) return;
      try {
        writer.write(chunk as Uint8Array);
      } catch (err) {
        fail(err);
      }
    });
    stream.on('end', () => {
      if (failure !== undefined) return;
      try {
        writer.end();
      } catch (err) {
        fail(err);
        return;
      }
      fileOpen = false;
      next();
      settle?.();
    });
  });
  let sourceError: unknown;
  try {
    for await (const chunk of chunks) {
      if (failure !== undefined) break;
      if (!ex.write(chunk)) await Promise.race([once(ex, 'drain'), done]);
    }
    if (failure === undefined) ex.end(null);
    await done;
  } catch (err) {
    // The extractor's handlers record its failures before any wait rejects, so anything else came from `chunks`:
    // the source's own error (a reset connection is not a bad layer) passes through unchanged.
    if (failure === undefined) sourceError = err;
  }
  if (failure !== undefined || sourceError !== undefined) {
    writer.abort();
    if (!ex.destroyed) ex.destroy(new Error('unpack failed'));
    if (failure === undefined) throw sourceError;
    throw failure instanceof WharfError ? failure : invalidLayer(errorMessage(failure), failure);
  }
  return writer.finish();
}

/**
 * keepRawPax makes tar-stream also hand over each PAX header's xattrs as raw bytes. tar-stream 3 decodes PAX
 * values as UTF-8 text, which corrupts binary values such as security.capability; this re-reads the same header
 * buffer byte-exactly and stores the result beside tar-stream's own decoding (the pinned internals are checked).
 */
function keepRawPax(ex: Extract): void {
  const internals = ex as unknown as ExtractInternals;
  const decode = internals._decodeLongHeader;
  if (typeof decode !== 'function') throw new Error('tar-stream internals changed: _decodeLongHeader is missing');
  internals._decodeLongHeader = function decodeWithRawXattrs(this: ExtractInternals, buf: Buffer): void {
    decode.call(this, buf);
    if (this._header?.type === 'pax-header' && this._pax !== null) this._pax[RAW_XATTRS] = parsePaxXattrs(buf);
  };
}

/** toLayerEntry normalises a tar-stream header: PAX uid/gid/mtime/atime override the ustar fields. */
function toLayerEntry(h: RawHeader): LayerEntry {
  const type = h.type === 'contiguous-file' ? 'file' : h.type;
  if (type == null || !ENTRY_TYPES.has(type)) {
    throw invalidLayer(`entry ${JSON.stringify(h.name)} has an unsupported type (${type ?? 'unknown'})`);
  }
  const pax = h.pax ?? {};
  const mtime = boundTime(paxNumber(pax.mtime) ?? (h.mtime ? h.mtime.getTime() / 1000 : 0));
  // compat: moby sets atime to the later of the header's access and modification times.
  const atime = Math.max(boundTime(paxNumber(pax.atime) ?? 0), mtime);
  const xattrs = pax[RAW_XATTRS];
  return {
    name: h.name,
    type: type as LayerEntryType,
    mode: (h.mode ?? 0) & 0o7777,
    uid: checkId(paxNumber(pax.uid) ?? h.uid ?? 0, h.name),
    gid: checkId(paxNumber(pax.gid) ?? h.gid ?? 0, h.name),
    size: h.size ?? 0,
    mtime,
    atime,
    linkname: h.linkname ?? '',
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    xattrs: xattrs instanceof Map ? (xattrs as Map<string, Buffer>) : NO_XATTRS,
  };
}

function paxNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return undefined;
  return Number(value);
}

function checkId(id: number, name: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw invalidLayer(`entry ${JSON.stringify(name)} has an invalid owner id ${id}`);
  return id;
}

/** boundTime clamps a time to what utimensat takes (compat: moby's boundTime maps out-of-range times to the epoch). */
function boundTime(seconds: number): number {
  return Number.isFinite(seconds) && seconds >= 0 && seconds < 2 ** 34 ? seconds : 0;
}

function ignore(): void {}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
