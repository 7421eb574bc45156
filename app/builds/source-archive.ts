import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import * as tar from 'tar-stream';
import type { SourceView } from '../ports/buildpack';
import { dockerignoreMatcher } from './dockerignore';

const MAX_READ = 1024 * 1024;

const clean = (name: string): string => name.replace(/^\.\//, '').replace(/^\/+/, '');

/** The entry's path inside `root` (a repo subfolder, for monorepos), or null when it is outside. */
function within(name: string, root: string | null | undefined): string | null {
  if (!root) return name;
  return name.startsWith(`${root}/`) ? name.slice(root.length + 1) : null;
}

/** Reads a source tar once: its file list and the small text files detection needs. */
export async function readSourceView(tarPath: string, root?: string | null): Promise<SourceView> {
  const files: string[] = [];
  const links = new Set<string>();
  const contents = new Map<string, string>();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const name = within(clean(header.name), root);
      if ((header.type === 'symlink' || header.type === 'link') && name) links.add(name.replace(/\/+$/, ''));
      if (header.type === 'file' && name) {
        files.push(name);
        if ((header.size ?? 0) <= MAX_READ) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: unknown) => chunks.push(c as Buffer));
          stream.on('end', () => { contents.set(name, Buffer.concat(chunks).toString('utf8')); next(); });
          return;
        }
      }
      stream.on('end', () => next());
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    fs.createReadStream(tarPath).on('error', reject).pipe(extract);
  });
  const set = new Set(files);
  return {
    files: () => files,
    has: (p) => set.has(clean(p)),
    read: (p) => contents.get(clean(p)) ?? null,
    isLink: (p) => links.has(clean(p).replace(/\/+$/, '')),
  };
}

/**
 * The docker build context: the source minus .dockerignore'd paths, plus extra files (a generated
 * Dockerfile). Streams, so large repos are not held in memory.
 */
export function buildContext(tarPath: string, options: { dockerignore: string | null; extra?: Record<string, string>; root?: string | null }): NodeJS.ReadableStream {
  const ignored = dockerignoreMatcher(options.dockerignore);
  const extract = tar.extract();
  const pack = tar.pack();
  const out = new PassThrough();
  extract.on('entry', (header, stream, next) => {
    const name = within(clean(header.name), options.root);
    if (!name || ignored(name) || (options.extra && name in options.extra)) {
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    stream.pipe(pack.entry({ ...header, name }, next));
  });
  extract.on('finish', () => {
    for (const [name, text] of Object.entries(options.extra ?? {})) pack.entry({ name, mode: 0o644 }, text);
    pack.finalize();
  });
  extract.on('error', (e) => out.destroy(e));
  fs.createReadStream(tarPath).on('error', (e) => out.destroy(e)).pipe(extract);
  pack.pipe(out);
  return out;
}

/** A build context holding only a Dockerfile (a compose app's release image when no service builds). */
export function dockerfileContext(text: string): NodeJS.ReadableStream {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, text);
  pack.finalize();
  return pack.pipe(new PassThrough());
}
