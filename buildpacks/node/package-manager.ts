import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';
import type { PackageJson } from '../shared/package-json';

/** How to install an app's dependencies: every string here is built from fixed words and checked versions. */
export interface InstallPlan {
  readonly manager: 'npm' | 'yarn' | 'pnpm';
  readonly lockfile: string | null;
  /** Copied before installing; the dependency layer's cache key. */
  readonly manifests: readonly string[];
  /** Installs the package manager itself, or null when the image's npm does. */
  readonly setup: string | null;
  readonly installProduction: string;
  readonly installAll: string;
  readonly runScript: (name: string) => string;
}

const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const NPM_LOCKS = ['package-lock.json', 'npm-shrinkwrap.json'];
const CONFIG_FILES = ['.npmrc', '.yarnrc'];

/** `packageManager` ("pnpm@9.1.0+sha512…", corepack's field) as name and version. */
function declaredManager(pkg: PackageJson): { name: 'npm' | 'yarn' | 'pnpm'; version: string } | null {
  if (!pkg.packageManager) return null;
  const m = /^(npm|yarn|pnpm)@([^+]+)(?:\+.*)?$/.exec(pkg.packageManager);
  if (!m || !VERSION.test(m[2])) {
    throw new BerthError('BUILD_FAILED', `package.json "packageManager" is "${pkg.packageManager}"; berth understands npm@x.y.z, yarn@1.x.y or pnpm@x.y.z.`);
  }
  return { name: m[1] as 'npm' | 'yarn' | 'pnpm', version: m[2] };
}

/** pnpm's lockfile format tells which pnpm wrote it. */
function pnpmForLockfile(text: string | null): string {
  const m = /^lockfileVersion:\s*'?(\d+)/m.exec(text ?? '');
  const format = m ? Number(m[1]) : 9;
  if (format >= 9) return '9';
  if (format >= 6) return '8';
  return '7';
}

export function planInstall(source: SourceView, pkg: PackageJson): InstallPlan {
  const declared = declaredManager(pkg);
  const npmLock = NPM_LOCKS.find((f) => source.has(f)) ?? null;
  const name = declared?.name
    ?? (npmLock ? 'npm' : source.has('yarn.lock') ? 'yarn' : source.has('pnpm-lock.yaml') ? 'pnpm' : 'npm');
  const lockfile = name === 'npm' ? npmLock : name === 'yarn' ? (source.has('yarn.lock') ? 'yarn.lock' : null)
    : (source.has('pnpm-lock.yaml') ? 'pnpm-lock.yaml' : null);
  const manifests = ['package.json', ...(lockfile ? [lockfile] : []), ...CONFIG_FILES.filter((f) => source.has(f))];

  if (name === 'yarn') {
    const version = declared?.version ?? '1';
    if (!version.startsWith('1') || /^__metadata:/m.test(source.read('yarn.lock') ?? '')) {
      throw new BerthError('BUILD_FAILED', 'Yarn 2+ (Berry) is not supported by the node buildpack yet: use Yarn 1, npm or pnpm, or add a Dockerfile.');
    }
    const frozen = lockfile ? ' --frozen-lockfile' : '';
    return {
      manager: 'yarn', lockfile, manifests,
      setup: `npm install -g yarn@${version}`,
      installProduction: `yarn install${frozen} --production --non-interactive`,
      installAll: `yarn install${frozen} --production=false --non-interactive`,
      runScript: (s) => `yarn run ${s}`,
    };
  }
  if (name === 'pnpm') {
    const version = declared?.version ?? pnpmForLockfile(source.read('pnpm-lock.yaml'));
    const frozen = lockfile ? ' --frozen-lockfile' : '';
    return {
      manager: 'pnpm', lockfile, manifests,
      setup: `npm install -g pnpm@${version}`,
      installProduction: `pnpm install${frozen} --prod`,
      installAll: `pnpm install${frozen} --prod=false`,
      runScript: (s) => `pnpm run ${s}`,
    };
  }
  const verb = lockfile ? 'ci' : 'install';
  return {
    manager: 'npm', lockfile, manifests,
    setup: declared ? `npm install -g npm@${declared.version}` : null,
    installProduction: `npm ${verb} --omit=dev`,
    installAll: `npm ${verb} --include=dev`,
    runScript: (s) => `npm run ${s}`,
  };
}
