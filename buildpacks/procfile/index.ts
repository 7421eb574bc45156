import type { Buildpack } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';

/** The base image plus the app user: whatever the Procfile runs must be in Debian minbase (bash, perl). */
export const PROCFILE_IMAGE = 'berth/buildpack-procfile:bookworm';

export const procfileBuildpack: Buildpack = {
  name: 'procfile',
  looksFor: 'a Procfile',
  detect: (source) => source.has('Procfile'),
  dockerfile(source) {
    const web = procfileCommand(source, 'web');
    return renderTemplate(templateDir('procfile', __dirname), 'Dockerfile.njk', {
      image: PROCFILE_IMAGE,
      cmd: web ? execForm(shellCmd(web)) : null,
    });
  },
};
