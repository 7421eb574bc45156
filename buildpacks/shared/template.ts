import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';

/**
 * The folder holding a buildpack's templates. Compiled code runs from dist/buildpacks/<name>/,
 * while templates stay in the source tree (tsc does not copy them), so look there first; fall
 * back to the code's own folder for an install that ships templates next to the code.
 */
export function templateDir(name: string, codeDir: string): string {
  const fromRoot = path.resolve(codeDir, '../../../buildpacks', name);
  return fs.existsSync(path.join(fromRoot, 'Dockerfile.njk')) ? fromRoot : codeDir;
}

/** Renders `<dir>/<file>` with autoescape off (a Dockerfile is not HTML); undefined values throw. */
export function renderTemplate(dir: string, file: string, context: object): string {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir, { noCache: true }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return env.render(file, context).replace(/\n{3,}/g, '\n\n');
}

/** A value for a Dockerfile exec-form array (`CMD ["a", "b"]`): JSON strings are what docker parses. */
export function execForm(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}
