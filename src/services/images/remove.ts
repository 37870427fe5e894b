import { shortId, type Digest } from '../../common/digest.js';
import { conflict, type WharfError } from '../../common/errors.js';
import { familiarString, parseReference, repositoryName, withDefaultTag, type Reference } from '../../common/reference.js';
import { resolveImage } from '../../core/image/resolve.js';
import { isCanonical, type ImageServiceDeps } from './image-reader.js';

/** RemoveImageOptions are the parameters of `DELETE /images/{name}`. */
export interface RemoveImageOptions {
  /** Remove even with other tags or stopped containers using it. */
  readonly force?: boolean;
  /** Keep untagged parent images (noprune=1). */
  readonly noPrune?: boolean;
}

/** DeleteItem is one line of rmi's answer: a reference removed or an image deleted. */
export interface DeleteItem {
  readonly untagged?: string;
  readonly deleted?: string;
}

// Docker's conflict classes (daemon/images/image_delete.go): hard ones cannot be forced, soft ones can.
const CHILD = 1;
const RUNNING = 2;
const ACTIVE_REF = 4;
const STOPPED = 8;
const HARD = CHILD | RUNNING;
const SOFT = ACTIVE_REF | STOPPED;

interface DeleteConflict {
  readonly hard: boolean;
  readonly used: boolean;
  readonly error: WharfError;
}

function deleteConflict(id: Digest, hard: boolean, used: boolean, why: string): DeleteConflict {
  const force = hard ? 'cannot be forced' : 'must be forced';
  return { hard, used, error: conflict('WHARF_IMAGE_DELETE_CONFLICT', `conflict: unable to delete ${shortId(id)} (${force}) - ${why}`) };
}

/** isImageIdPrefix tells whether the name given to rmi is (a prefix of) the image ID rather than a reference. */
function isImageIdPrefix(id: Digest, name: string): boolean {
  return id.startsWith(name) || id.slice('sha256:'.length).startsWith(name);
}

/** isSingleReference: at most one tag, and every reference in one repository (moby isSingleReference). */
function isSingleReference(refs: readonly Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => !isCanonical(r));
  if (tags.length > 1) return false;
  const repos = new Set(refs.filter(isCanonical).map(repositoryName));
  const single = tags[0] ?? (refs[0] as Reference);
  return repos.size === 1 && repos.has(repositoryName(single));
}

/**
 * Removal carries one `rmi` through Docker's rules, collecting what it untagged and deleted. It publishes an
 * `untag` event per reference removed and a `delete` event per image deleted, as dockerd does.
 */
class Removal {
  readonly items: DeleteItem[] = [];
  readonly #deps: ImageServiceDeps;

  constructor(deps: ImageServiceDeps) {
    this.#deps = deps;
  }

  async refs(id: Digest): Promise<Reference[]> {
    return (await this.#deps.images.references(id)).map((e) => e.ref);
  }

  async labels(id: Digest): Promise<Readonly<Record<string, string>>> {
    const record = await this.#deps.images.get(id);
    return record === undefined ? {} : this.#deps.reader.labelsOf(record);
  }

  publish(action: 'untag' | 'delete', id: Digest, labels: Readonly<Record<string, string>>): void {
    this.#deps.events.publish({ type: 'image', action, actor: { id, attributes: { ...labels, name: id } } });
  }

  async untag(id: Digest, ref: Reference): Promise<void> {
    await this.#deps.images.deleteReference(ref);
    this.items.push({ untagged: familiarString(ref) });
    this.publish('untag', id, await this.labels(id));
  }

  async conflictOf(id: Digest, mask: number): Promise<DeleteConflict | undefined> {
    if (mask & CHILD && (await this.#deps.images.list()).some((r) => r.parent === id)) {
      return deleteConflict(id, true, false, 'image has dependent child images');
    }
    const users = mask & (RUNNING | STOPPED) ? await this.#deps.users.containersUsing(id) : [];
    const running = users.find((u) => u.running);
    if (mask & RUNNING && running !== undefined) {
      return deleteConflict(id, true, true, `image is being used by running container ${shortId(running.id)}`);
    }
    if (mask & ACTIVE_REF && (await this.refs(id)).length > 0) {
      return deleteConflict(id, false, false, 'image is referenced in multiple repositories');
    }
    const stopped = users.find((u) => !u.running);
    if (mask & STOPPED && stopped !== undefined) {
      return deleteConflict(id, false, true, `image is being used by stopped container ${shortId(stopped.id)}`);
    }
    return undefined;
  }

  async isDangling(id: Digest): Promise<boolean> {
    return (await this.refs(id)).length === 0 && !(await this.#deps.images.list()).some((r) => r.parent === id);
  }

  /** deleteImage removes an image and its references, then (with prune) its parent, quietly. */
  async deleteImage(id: Digest, force: boolean, prune: boolean, quiet: boolean): Promise<void> {
    const found = await this.conflictOf(id, force ? HARD : HARD | SOFT);
    if (found !== undefined) {
      // A quiet deletion (a parent being pruned, or an image whose last tag just went) stops silently, unless the
      // image is dangling and unused, where the user should hear why it stays.
      if (quiet && (!(await this.isDangling(id)) || found.used)) return;
      throw found.error;
    }
    const parent = (await this.#deps.images.get(id))?.parent;
    for (const ref of await this.refs(id)) await this.untag(id, ref);
    const labels = await this.labels(id);
    await this.#deps.images.delete(id);
    this.items.push({ deleted: id });
    this.publish('delete', id, labels);
    if (prune && parent !== undefined && (await this.#deps.images.get(parent)) !== undefined) {
      await this.deleteImage(parent, false, true, true);
    }
  }
}

/** removeByReference untags the named reference; it returns whether the image lost its last reference. */
async function removeByReference(removal: Removal, deps: ImageServiceDeps, id: Digest, name: string, force: boolean): Promise<boolean> {
  if (!force && isSingleReference(await removal.refs(id))) {
    const user = (await deps.users.containersUsing(id))[0];
    if (user !== undefined) {
      throw conflict(
        'WHARF_IMAGE_REFERENCE_IN_USE',
        `conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(id)}`,
      );
    }
  }
  const ref = withDefaultTag(parseReference(name));
  await removal.untag(id, ref);
  let refs = await removal.refs(id);
  // With the last tag of a repository gone, its digest references go too (they would only confuse).
  if (!isCanonical(ref) && !refs.some((r) => !isCanonical(r) && repositoryName(r) === repositoryName(ref))) {
    for (const r of refs.filter((r) => isCanonical(r) && repositoryName(r) === repositoryName(ref))) await removal.untag(id, r);
    refs = await removal.refs(id);
  }
  return refs.length === 0;
}

/**
 * removeImageNoGc applies Docker's rmi semantics without collecting garbage (prune collects once at its end).
 * By reference: untag it, and delete the image only when that was its last reference. By ID: with several tags
 * it must be forced; with one tag (in one repository) it is untagged and deleted. A child image needing it or a
 * running container cannot be forced; a stopped container must be.
 */
export async function removeImageNoGc(deps: ImageServiceDeps, name: string, opts: RemoveImageOptions = {}): Promise<DeleteItem[]> {
  const force = opts.force ?? false;
  const record = await resolveImage(deps.images, name);
  const removal = new Removal(deps);
  let quiet = false;
  if (!isImageIdPrefix(record.id, name)) {
    if (!(await removeByReference(removal, deps, record.id, name, force))) return removal.items;
    quiet = true;
  } else if (isSingleReference(await removal.refs(record.id))) {
    const found = await removal.conflictOf(record.id, force ? HARD : HARD | STOPPED);
    if (found !== undefined) throw found.error;
    for (const ref of await removal.refs(record.id)) await removal.untag(record.id, ref);
  }
  await removal.deleteImage(record.id, force, !(opts.noPrune ?? false), quiet);
  return removal.items;
}

/** removeImage is `DELETE /images/{name}`: removeImageNoGc, then a garbage collection of what nothing reaches. */
export async function removeImage(deps: ImageServiceDeps, name: string, opts: RemoveImageOptions = {}): Promise<DeleteItem[]> {
  const items = await removeImageNoGc(deps, name, opts);
  if (items.some((i) => i.deleted !== undefined)) await deps.images.garbageCollect();
  return items;
}
