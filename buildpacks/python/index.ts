import { BerthError } from '../../app/errors';
import type { Buildpack, BuildpackContext, SourceView } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';
import { choosePython } from './python-version';

export const PYTHON_IMAGE = 'berth/buildpack-python:bookworm';

/** The requirement lines of requirements.txt (no blanks, no comments). */
export function requirementLines(text: string | null): string[] {
  return (text ?? '').split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
}

/** Lines that name other files (-r, -c, -e, local paths, a --find-links folder) need the whole source to install. */
const NEEDS_SOURCE = /^(-r|-c|-e|--requirement|--constraint|--editable|\.|\/|file:|(-f|--find-links)(\s+|=)(?!https?:))/;

/** Whether a config var switches a Heroku feature off ("1", "true", anything but "0"/"false"/empty). */
const isSet = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

/** How the dependencies install: requirements.txt wins, then Pipfile.lock, then a pyproject.toml project. */
function dependencyPlan(source: SourceView) {
  const requirements = requirementLines(source.read('requirements.txt'));
  const fromSource = requirements.some((l) => NEEDS_SOURCE.test(l));
  const hasRequirements = source.has('requirements.txt');
  const pipfileLock = !hasRequirements && source.has('Pipfile.lock');
  return {
    // Installed in their own layer, keyed on requirements.txt, unless they point into the source.
    requirementsFirst: requirements.length > 0 && !fromSource,
    requirementsWithSource: requirements.length > 0 && fromSource,
    // Pipfile.lock's pinned default packages, installed with pip in their own layer.
    pipfileLock,
    // A pyproject.toml-only app is installed as a package (pip needs its build backend from PyPI).
    installProject: !hasRequirements && !pipfileLock && source.has('pyproject.toml'),
  };
}

export const pythonBuildpack: Buildpack = {
  name: 'python',
  looksFor: 'requirements.txt, Pipfile or pyproject.toml',
  detect: (source) => source.has('requirements.txt') || source.has('pyproject.toml') || source.has('Pipfile') || source.has('Pipfile.lock'),
  dockerfile(source: SourceView, ctx: BuildpackContext) {
    const web = procfileCommand(source, 'web');
    if (!web) {
      throw new BerthError('BUILD_FAILED', 'The python buildpack runs the Procfile\'s web process: add a Procfile with a line like `web: python3 app.py` (or `web: gunicorn app:app`).');
    }
    if (source.has('Pipfile') && !source.has('Pipfile.lock') && !source.has('requirements.txt')) {
      throw new BerthError('BUILD_FAILED', 'A Pipfile without Pipfile.lock: run `pipenv lock` and commit Pipfile.lock (berth installs the locked versions).');
    }
    ctx.log(choosePython(source).line);
    // As on Heroku: a Django app (manage.py) gets collectstatic unless DISABLE_COLLECTSTATIC is set.
    const collectstatic = source.has('manage.py') && !isSet(ctx.config.DISABLE_COLLECTSTATIC);
    if (source.has('manage.py') && !collectstatic) ctx.log('       DISABLE_COLLECTSTATIC is set: skipping manage.py collectstatic');
    return renderTemplate(templateDir('python', __dirname), 'Dockerfile.njk', {
      image: PYTHON_IMAGE,
      ...dependencyPlan(source),
      collectstatic,
      cmd: execForm(shellCmd(web)),
      // pip's cache (wheels it built, HTTP answers; installs run as root) kept between this app's builds.
      pipCache: ctx.cacheMounts ? '--mount=type=cache,target=/root/.cache/pip ' : '',
    });
  },
};
