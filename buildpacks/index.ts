import type { Buildpack } from '../app/ports/buildpack';

/** The buildpacks berth tries, in detection order (the first that matches builds the app). */
export function loadBuildpacks(): Buildpack[] {
  return [];
}
