import { invalidArgument } from '../../common/errors.js';
import { readRootfsFile } from './rootfs-file.js';

/** ResolvedUser is the numeric identity a container process runs as. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups as Docker lists them: the primary gid first, then the user's groups, then GroupAdd. */
  readonly additionalGids: readonly number[];
  /** The user's home from /etc/passwd ("/" when unknown); runc sets HOME from it when the env has none. */
  readonly home: string;
}

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const MAX_ID = 2 ** 31 - 1;

const fail = (message: string): Error => invalidArgument('WHARF_UNKNOWN_USER', message);

// Go's strconv.Atoi: optional sign, decimal digits; anything else is "not numeric".
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

function checkRange(id: number): number {
  if (id < 0 || id > MAX_ID) throw fail(`uids and gids must be in range 0-${MAX_ID}`);
  return id;
}

/** parsePasswd reads passwd(5) lines as moby/sys/user does (blank lines skipped, bad numbers read as 0). */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '') return [];
    const [name = '', , uid = '', gid = '', , home = ''] = line.split(':');
    return [{ name, uid: atoi(uid) ?? 0, gid: atoi(gid) ?? 0, home }];
  });
}

/** parseGroup reads group(5) lines as moby/sys/user does (blank lines and # comments skipped). */
export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const [name = '', , gid = '', list = ''] = line.split(':');
    return [{ name, gid: atoi(gid) ?? 0, members: list === '' ? [] : list.split(',') }];
  });
}

function findUser(userArg: string, passwd: string | undefined): PasswdEntry | undefined {
  if (passwd === undefined) {
    if (userArg !== '' && atoi(userArg) === undefined) {
      throw fail(`unable to find user ${userArg}: no matching entries in passwd file`);
    }
    return undefined;
  }
  const uid = atoi(userArg);
  return parsePasswd(passwd).find((u) => (userArg === '' ? u.uid === 0 : uid !== undefined ? u.uid === uid : u.name === userArg));
}

function findGroup(groupArg: string, groups: readonly GroupEntry[]): number {
  const gid = atoi(groupArg);
  const g = groups.find((e) => (gid !== undefined ? e.gid === gid : e.name === groupArg));
  if (g) return g.gid;
  if (gid === undefined) throw fail(`unable to find group ${groupArg}: no matching entries in group file`);
  return checkRange(gid);
}

// GroupAdd entries by name or gid (moby/sys/user GetAdditionalGroups), in request order, without duplicates.
function additionalGroups(groupAdd: readonly string[], groups: readonly GroupEntry[]): number[] {
  const out: number[] = [];
  for (const ag of groupAdd) {
    const g = groups.find((e) => e.name === ag || String(e.gid) === ag);
    let gid = g?.gid;
    if (gid === undefined) {
      if (!/^[+-]?\d+$/.test(ag)) throw fail(`Unable to find group ${ag}: no matching entries in group file`);
      gid = checkRange(Number(ag));
    }
    if (!out.includes(gid)) out.push(gid);
  }
  return out;
}

/**
 * resolveUserFrom resolves a Docker user spec ("", "name", "uid", "name:group", "uid:gid") against the texts of
 * the container's /etc/passwd and /etc/group (undefined when absent), exactly as runc's GetExecUser, plus Docker's
 * GroupAdd. A numeric user or group need not exist; a name must ("unable to find user x: no matching entries in
 * passwd file"). Supplementary groups come from /etc/group only when the group was not given explicitly.
 */
export function resolveUserFrom(
  userSpec: string,
  passwd: string | undefined,
  group: string | undefined,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const [userArg = '', groupArg = ''] = userSpec.split(':');
  const found = findUser(userArg, passwd);
  let uid = found?.uid ?? 0;
  let gid = found?.gid ?? 0;
  const home = found?.home || '/';
  if (!found && userArg !== '') {
    const n = atoi(userArg);
    if (n === undefined) throw fail(`unable to find user ${userArg}: no matching entries in passwd file`);
    uid = checkRange(n);
  }
  const groups = group === undefined ? [] : parseGroup(group);
  let sgids: number[] = [];
  if (groupArg !== '') gid = findGroup(groupArg, groups);
  else if (found) sgids = groups.filter((g) => g.members.includes(found.name)).map((g) => g.gid);
  // Docker lists a gid twice when GroupAdd repeats a membership; once is enough for setgroups(2).
  const additionalGids = [...new Set([gid, ...sgids, ...additionalGroups(groupAdd, groups)])];
  return { uid, gid, additionalGids, home };
}

/**
 * resolveUser reads /etc/passwd and /etc/group from the container's root filesystem safely (readRootfsFile: never
 * outside the root, never blocking on a FIFO, size-bounded) and resolves `userSpec` with resolveUserFrom.
 */
export async function resolveUser(rootfs: string, userSpec: string, groupAdd: readonly string[] = []): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readRootfsFile(rootfs, '/etc/passwd'), readRootfsFile(rootfs, '/etc/group')]);
  return resolveUserFrom(userSpec, passwd?.toString('utf8'), group?.toString('utf8'), groupAdd);
}
