import { CliError } from './cli-error';

/**
 * dokku names a buildpack by its URL (herokuish: `https://github.com/heroku/heroku-buildpack-nodejs.git#v250`)
 * or a Cloud Native Buildpack id (`heroku/nodejs`); berth's buildpacks are built in and named.
 * Only buildpacks that do what one of berth's does are mapped; any other URL is refused by name,
 * never silently replaced.
 */
const KNOWN: readonly (readonly [RegExp, string])[] = [
  [/^(heroku\/nodejs|heroku-buildpack-nodejs|paketo-buildpacks\/nodejs|gcr\.io\/paketo-buildpacks\/nodejs)$/, 'node'],
  [/^(heroku\/python|heroku-buildpack-python|paketo-buildpacks\/python|gcr\.io\/paketo-buildpacks\/python)$/, 'python'],
  [/^(heroku\/go|heroku-buildpack-go|paketo-buildpacks\/go|gcr\.io\/paketo-buildpacks\/go)$/, 'go'],
  [/^(heroku-buildpack-static|dokku\/buildpack-nginx|buildpack-nginx|heroku-buildpack-nginx|paketo-buildpacks\/nginx)$/, 'static'],
  [/^(heroku\/procfile|heroku-buildpack-procfile|paketo-buildpacks\/procfile|buildpack-null|dokku\/buildpack-null)$/, 'procfile'],
];

/** berth's buildpack for a dokku buildpack URL or id; a plain berth name passes through. */
export function berthBuildpack(given: string): string {
  if (/^[a-z][a-z0-9-]*$/.test(given) && !given.includes('buildpack')) return given;
  let id = given.trim().replace(/#.*$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  const url = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?[^/]+\/(.+)$/.exec(id) ?? /^git@[^:]+:(.+)$/.exec(id);
  if (url) id = url[1];
  const repo = id.split('/').pop() ?? id;
  for (const [re, name] of KNOWN) if (re.test(id) || re.test(repo)) return name;
  throw new CliError('NO_BUILDER', `berth has no buildpack like ${given}: its buildpacks are built in (node, python, go, static, procfile).`, {
    hint: 'Name one of them (berth buildpacks:set <app> node), or build with a Dockerfile (berth builder:set <app> dockerfile).',
  });
}

/** dokku's builder names → berth's (`builder:set <app> selected <builder>`). */
export function berthBuilder(given: string | undefined): string {
  if (given === undefined || given === '') return 'auto';
  if (given === 'herokuish' || given === 'pack' || given === 'buildpack') return 'buildpack';
  if (given === 'dockerfile' || given === 'auto') return given;
  throw new CliError('NO_BUILDER', `berth has no ${given} builder: it builds with a Dockerfile or its buildpacks (dockerfile, buildpack — dokku's herokuish and pack —, or auto).`);
}
