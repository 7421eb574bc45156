import { BerthError } from '../../app/errors';
import type { Buildpack, SourceView } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';

export const PYTHON_IMAGE = 'berth/buildpack-python:bookworm';

/** The requirement lines of requirements.txt (no blanks, no comments). */
export function requirementLines(text: string | null): string[] {
  return (text ?? '').split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
}

/** Lines that name other files (-r, -c, -e, local paths) need the whole source to install. */
const NEEDS_SOURCE = /^(-r|-c|-e|--requirement|--constraint|--editable|\.|\/|file:)/;

export const pythonBuildpack: Buildpack = {
  name: 'python',
  looksFor: 'requirements.txt or pyproject.toml',
  detect: (source) => source.has('requirements.txt') || source.has('pyproject.toml'),
  dockerfile(source: SourceView) {
    const web = procfileCommand(source, 'web');
    if (!web) {
      throw new BerthError('BUILD_FAILED', 'The python buildpack runs the Procfile\'s web process: add a Procfile with a line like `web: python3 app.py` (or `web: gunicorn app:app`).');
    }
    const requirements = requirementLines(source.read('requirements.txt'));
    const fromSource = requirements.some((l) => NEEDS_SOURCE.test(l));
    return renderTemplate(templateDir('python', __dirname), 'Dockerfile.njk', {
      image: PYTHON_IMAGE,
      // Installed in their own layer, keyed on requirements.txt, unless they point into the source.
      requirementsFirst: requirements.length > 0 && !fromSource,
      requirementsWithSource: requirements.length > 0 && fromSource,
      // A pyproject.toml-only app is installed as a package (pip needs its build backend from PyPI).
      installProject: requirements.length === 0 && !source.has('requirements.txt') && source.has('pyproject.toml'),
      cmd: execForm(shellCmd(web)),
    });
  },
};
