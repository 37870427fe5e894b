import type { Readable } from 'node:stream';
import { WharfError } from '../../../common/errors.js';
import { familiarString, parseReference, withDefaultTag } from '../../../common/reference.js';
import type { CommandSpec } from '../../command.js';

const FLAGS = [
  { name: 'tag', short: 't', type: 'string', usage: 'Name the image NAME[:TAG] instead of IMAGE' },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Only print the image ID' },
] as const;

/** BootstrapSource is a root filesystem wharf can make offline, with the settings its official image has. */
interface BootstrapSource {
  readonly rootfs: (onLog: (line: string) => void) => Promise<Readable>;
  readonly changes: readonly string[];
  readonly message: string;
}

async function sourceFor(repository: string, tag: string): Promise<BootstrapSource> {
  if (repository === 'busybox') {
    const { busyboxRootfsTar, BUSYBOX_CHANGES } = await import('../../bootstrap/busybox-rootfs.js');
    return { rootfs: () => busyboxRootfsTar(), changes: BUSYBOX_CHANGES, message: "busybox from the host's busybox-static package" };
  }
  if (repository === 'debian') {
    const { debianRootfsTar, DEBIAN_CHANGES, DEBIAN_SUITES } = await import('../../bootstrap/debian-rootfs.js');
    const suite = DEBIAN_SUITES[tag];
    if (suite === undefined) {
      throw new WharfError('InvalidArgument', 'WHARF_BOOTSTRAP_UNKNOWN', `unknown debian tag "${tag}": choose one of ${Object.keys(DEBIAN_SUITES).join(', ')}`);
    }
    return { rootfs: async (onLog) => debianRootfsTar(suite, onLog), changes: DEBIAN_CHANGES, message: `debian ${suite} made by mmdebstrap` };
  }
  throw new WharfError('InvalidArgument', 'WHARF_BOOTSTRAP_UNKNOWN', `wharf can bootstrap "busybox" and "debian[:SUITE]", not "${repository}"`);
}

/**
 * command is `wharf image bootstrap`, an extension of ours: it makes a real base image offline from Debian packages
 * (busybox from busybox-static; debian via mmdebstrap) and imports it through the ordinary import endpoint.
 */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] IMAGE\n\nIMAGE is busybox[:TAG] (from the host\'s busybox-static) or debian[:bookworm|trixie|bullseye] (mmdebstrap)',
  args: { min: 1, max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const wanted = parseReference(ctx.args[0] ?? '');
    if (wanted.domain !== 'docker.io' || wanted.digest !== undefined) {
      throw new WharfError('InvalidArgument', 'WHARF_BOOTSTRAP_UNKNOWN', `wharf can bootstrap "busybox" and "debian[:SUITE]", not "${ctx.args[0]}"`);
    }
    const repository = wanted.path.replace(/^library\//, '');
    const defaultTag = repository === 'debian' ? 'bookworm' : 'latest';
    const source = await sourceFor(repository, wanted.tag ?? defaultTag);
    const target = ctx.flags.tag ? withDefaultTag(parseReference(ctx.flags.tag)) : { ...wanted, tag: wanted.tag ?? defaultTag };
    const log = (line: string): void => void (ctx.flags.quiet || ctx.io.stderr.write(`${line}\n`));
    const rootfs = await source.rootfs(log);
    let id = '';
    for await (const m of ctx.client().imageImport(rootfs, { repo: familiarString(target), changes: source.changes, message: source.message })) {
      if (typeof m.status === 'string') id = m.status;
    }
    ctx.io.stdout.write(ctx.flags.quiet ? `${id}\n` : `Bootstrapped ${familiarString(target)} (${id})\n`);
  },
};
