import type { Buildpack } from '../app/ports/buildpack';
import { goBuildpack } from './go';
import { nodeBuildpack } from './node';
import { procfileBuildpack } from './procfile';
import { pythonBuildpack } from './python';
import { staticBuildpack } from './static';

/**
 * The buildpacks berth tries, in detection order (the first that matches builds the app).
 * Specific languages first; static before procfile so a site with a Procfile is still served
 * by httpd; procfile last as the catch-all for "anything with a Procfile".
 */
export function loadBuildpacks(): Buildpack[] {
  return [nodeBuildpack, pythonBuildpack, goBuildpack, staticBuildpack, procfileBuildpack];
}
