import { BerthError } from '../../../app/errors';
import type { ContainerEngine, ImageInfo } from '../../../app/ports/container-engine';

/** `name` → `name:latest`, as Docker reads a reference without a tag or digest. */
function normalized(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return ref.startsWith('sha256:') || last.includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
}

/**
 * The image part of the ContainerEngine port in memory, for unit tests: `images` maps each name
 * (`repo:tag`) to what inspectImage answers; tagging gives the source's image another name, removing
 * drops one name. It passes test/conformance/images.ts, as Docker does. `calls` records tags and
 * removes (and inspects, with `recordInspects`) as `tag <source> <repo>:<tag>`, `rm <ref>`, `inspect <ref>`.
 */
export class InMemoryImages implements Pick<ContainerEngine, 'inspectImage' | 'tagImage' | 'removeImage'> {
  readonly images = new Map<string, ImageInfo>();
  readonly calls: string[] = [];
  /** While true, removeImage throws (a daemon error other than "gone" or "in use"). */
  removeFails = false;

  constructor(private readonly options: { readonly recordInspects?: boolean } = {}) {}

  async inspectImage(ref: string): Promise<ImageInfo | null> {
    if (this.options.recordInspects) this.calls.push(`inspect ${ref}`);
    const name = this.find(ref);
    return name === null ? null : this.images.get(name)!;
  }

  async tagImage(source: string, repo: string, tag: string): Promise<void> {
    this.calls.push(`tag ${source} ${repo}:${tag}`);
    const from = this.find(source);
    if (from === null) throw new BerthError('INTERNAL', `No such image: ${source}`);
    const info = this.images.get(from)!;
    const name = `${repo}:${tag}`;
    const before = this.images.get(name);
    if (before && before.id !== info.id) this.setTags(before.id, (before.tags ?? []).filter((t) => t !== name));
    const tags = [...(info.tags ?? []).filter((t) => t !== name), name];
    this.images.set(name, { ...info, tags });
    this.setTags(info.id, tags);
  }

  /** Gone already: nothing to do, as Docker's 404 is. */
  async removeImage(ref: string): Promise<void> {
    this.calls.push(`rm ${ref}`);
    if (this.removeFails) throw new Error(`conflict: ${ref} is in use`);
    const name = this.find(ref);
    if (name === null) return;
    const { id, tags } = this.images.get(name)!;
    this.images.delete(name);
    this.setTags(id, (tags ?? []).filter((t) => t !== name));
  }

  /** The name `ref` stands for: itself, itself with `:latest`, or a name of the image with that id. */
  private find(ref: string): string | null {
    if (this.images.has(ref)) return ref;
    if (this.images.has(normalized(ref))) return normalized(ref);
    for (const [name, info] of this.images) if (info.id === ref) return name;
    return null;
  }

  /** Every name of image `id` lists the same tags, as one image's RepoTags. */
  private setTags(id: string, tags: readonly string[]): void {
    for (const [name, info] of this.images) if (info.id === id && info.tags !== undefined) this.images.set(name, { ...info, tags });
  }
}
