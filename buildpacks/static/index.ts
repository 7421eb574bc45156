import type { Buildpack, SourceView } from '../../app/ports/buildpack';
import { renderTemplate, templateDir } from '../shared/template';

export const STATIC_IMAGE = 'berth/buildpack-static:bookworm';

/** Serves index.html from the root when there is one, else the public/ folder. */
function servesRoot(source: SourceView): boolean {
  return source.has('index.html');
}

export const staticBuildpack: Buildpack = {
  name: 'static',
  looksFor: 'index.html or a public/ folder',
  detect: (source) => servesRoot(source) || source.files().some((f) => f.startsWith('public/')),
  dockerfile(source) {
    return renderTemplate(templateDir('static', __dirname), 'Dockerfile.njk', {
      image: STATIC_IMAGE,
      root: servesRoot(source) ? '/app' : '/app/public',
      servesRoot: servesRoot(source),
    });
  },
};
