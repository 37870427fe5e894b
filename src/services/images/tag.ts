import { invalidArgument } from '../../common/errors.js';
import { familiarName, familiarString, parseReference, validateTag, withDefaultTag, type Reference } from '../../common/reference.js';
import { resolveImage } from '../../core/image/resolve.js';
import type { ImageServiceDeps } from './image-reader.js';

/**
 * tagReference builds the reference `POST /images/{name}/tag?repo=&tag=` creates (moby RepoTagReference): `repo`
 * may carry a tag, `tag` overrides it, and no tag at all means `latest`. Digests are refused.
 */
export function tagReference(repo: string, tag: string): Reference {
  if (repo === '') throw invalidArgument('WHARF_INVALID_REFERENCE', 'repository name must not be empty');
  const ref = parseReference(repo);
  if (ref.digest !== undefined) throw invalidArgument('WHARF_INVALID_REFERENCE', 'refusing to create a tag with a digest reference');
  const tagged = tag === '' ? withDefaultTag(ref) : { domain: ref.domain, path: ref.path, tag: validateTag(tag) };
  if (familiarName(tagged) === 'sha256') {
    throw invalidArgument('WHARF_INVALID_REFERENCE', 'refusing to create an ambiguous tag using digest algorithm as name');
  }
  return tagged;
}

/** tagImage points `repo:tag` at the image `name` resolves to (replacing what it named) and publishes a tag event. */
export async function tagImage(deps: ImageServiceDeps, name: string, repo: string, tag: string): Promise<Reference> {
  const ref = tagReference(repo, tag);
  const record = await resolveImage(deps.images, name);
  await deps.images.setReference(ref, record.id);
  const labels = await deps.reader.labelsOf(record);
  deps.events.publish({ type: 'image', action: 'tag', actor: { id: record.id, attributes: { ...labels, name: familiarString(ref) } } });
  return ref;
}
