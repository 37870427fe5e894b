// Test support: a SpecialFileOps double that needs no privileges and records what the unpacker asked for.
import fs from 'node:fs';
import type { SpecialFileOps } from '../special-file-ops.js';

/** OpsCall is one recorded SpecialFileOps call (paths as given, values as hex). */
export type OpsCall =
  | { readonly op: 'mknod'; readonly path: string; readonly mode: number; readonly major: number; readonly minor: number }
  | { readonly op: 'lsetxattr'; readonly path: string; readonly name: string; readonly value: string };

/**
 * recordingOps returns ops that record every call; mknod leaves an empty regular file in place of the node so the
 * unpacker's later replace/unlink logic meets a real file, and lsetxattr fails with `failXattr`'s errno if set.
 */
export function recordingOps(opts: { failXattr?: string } = {}): SpecialFileOps & { readonly calls: OpsCall[] } {
  const calls: OpsCall[] = [];
  return {
    calls,
    mknod(path, mode, major, minor) {
      calls.push({ op: 'mknod', path, mode, major, minor });
      fs.writeFileSync(path, '', { flag: 'wx' });
    },
    lsetxattr(path, name, value) {
      if (opts.failXattr !== undefined) {
        throw Object.assign(new Error(`${opts.failXattr}: lsetxattr`), { code: opts.failXattr });
      }
      calls.push({ op: 'lsetxattr', path, name, value: value.toString('hex') });
    },
    syncfs() {},
  };
}
