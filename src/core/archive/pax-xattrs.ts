import { invalidLayer } from './layer-path.js';

const XATTR_KEY = 'SCHILY.xattr.';

/**
 * parsePaxXattrs returns the extended attributes (`SCHILY.xattr.<name>` records, the form GNU tar and Docker write)
 * of a raw PAX extended header, values as raw bytes. tar-stream decodes PAX values as UTF-8 text, which corrupts
 * binary values such as security.capability, hence this second, byte-exact reading of the same header.
 * Record format (POSIX pax): `<decimal length> <key>=<value>\n`, the length counting the whole record.
 */
export function parsePaxXattrs(bytes: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const xattrs = new Map<string, Buffer>();
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const lenText = space < 0 ? '' : buf.toString('latin1', pos, space);
    const len = /^[1-9][0-9]{0,9}$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len > space - pos + 1) || pos + len > buf.length || buf[pos + len - 1] !== 0x0a) {
      // compat: trailing NUL padding after the last record is tolerated, as by Go's archive/tar.
      if (buf.subarray(pos).every((b) => b === 0)) break;
      throw invalidLayer(`malformed PAX header record at byte ${pos}`);
    }
    const record = buf.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw invalidLayer(`PAX header record without '=' at byte ${pos}`);
    const key = record.toString('utf8', 0, eq);
    if (key.startsWith(XATTR_KEY) && key.length > XATTR_KEY.length) {
      xattrs.set(key.slice(XATTR_KEY.length), Buffer.from(record.subarray(eq + 1)));
    }
    pos += len;
  }
  return xattrs;
}

/**
 * xattrAllowed decides which extended attributes of a layer are applied on unpack:
 * - `user.*`: ordinary data, applied.
 * - `security.capability`: file capabilities (e.g. ping's cap_net_raw), applied: images rely on them.
 * - `system.posix_acl_access` / `system.posix_acl_default`: POSIX ACLs, applied (the kernel validates them).
 * - every other `security.*` (SELinux labels, IMA/EVM signatures): host policy, not image content; skipped.
 * - `trusted.*`: skipped. overlayfs keeps its own metadata there (opaque, redirect, metacopy, origin), and a layer
 *   must not forge it; opacity is expressed only through the `.wh..wh..opq` marker.
 * Docker applies all of them; this is stricter on purpose.
 */
export function xattrAllowed(name: string): boolean {
  return (
    name.startsWith('user.') ||
    name === 'security.capability' ||
    name === 'system.posix_acl_access' ||
    name === 'system.posix_acl_default'
  );
}
