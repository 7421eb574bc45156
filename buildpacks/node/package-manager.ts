import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';
import type { PackageJson } from '../shared/package-json';
import { quote } from '../shared/quote';

/** How to install an app's dependencies: every string here is built from fixed words and checked versions. */
export interface InstallPlan {
  readonly manager: 'npm' | 'yarn' | 'pnpm';
  /** Yarn 2+ (Berry): installs need the whole source (.yarnrc.yml, .yarn/), so no dependency-only stage. */
  readonly berry: boolean;
  readonly lockfile: string | null;
  /** Copied before installing; the dependency layer's cache key. */
  readonly manifests: readonly string[];
  /** Installs the package manager itself, or null when the image's npm does. */
  readonly setup: string | null;
  readonly installProduction: string;
  readonly installAll: string;
  /** Removes devDependencies from a tree installed with installAll. */
  readonly prune: string;
  /**
   * The manager's download cache or store (the installs run as root): a BuildKit cache mount per
   * app on every install step, so a changed lockfile fetches only what is new.
   */
  readonly cacheDir: string;
  /** ENV for the install stages (pnpm: its store in the mount, see PNPM_STORE), or null. */
  readonly installEnv: string | null;
  readonly runScript: (name: string) => string;
}

/** Yarn 1's cache for root (`yarn cache dir` there is <this>/v6). */
const YARN1_CACHE = '/usr/local/share/.cache/yarn';
/** Berry's global folder for root: with YARN_ENABLE_GLOBAL_CACHE=false it holds the mirror every install fills and reads. */
const BERRY_GLOBAL = '/root/.yarn/berry';
/**
 * pnpm's store, named explicitly: left to itself, pnpm moves the store to the project's file system
 * (/.pnpm-store) when it cannot hard-link from its home store into the project (seen with a docker
 * volume there); named, it stays in the cache mount whatever the engine's storage driver does.
 */
const PNPM_STORE = '/root/.local/share/pnpm/store';

const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const NPM_LOCKS = ['package-lock.json', 'npm-shrinkwrap.json'];
const CONFIG_FILES = ['.npmrc', '.yarnrc'];

/** `packageManager` ("pnpm@9.1.0+sha512…", corepack's field) as name and version. */
function declaredManager(pkg: PackageJson): { name: 'npm' | 'yarn' | 'pnpm'; version: string } | null {
  if (!pkg.packageManager) return null;
  const m = /^(npm|yarn|pnpm)@([^+]+)(?:\+.*)?$/.exec(pkg.packageManager);
  if (!m || !VERSION.test(m[2])) {
    throw new BerthError('BUILD_FAILED', `package.json "packageManager" is ${quote(pkg.packageManager)}; berth understands npm@x.y.z, yarn@x.y.z or pnpm@x.y.z.`);
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

/** A Berry project: yarn@2+ declared, a Berry lockfile (`__metadata:`), or a .yarnrc.yml. */
function isBerry(source: SourceView, declared: string | null): boolean {
  if (declared) return !declared.startsWith('1.');
  return /^__metadata:/m.test(source.read('yarn.lock') ?? '') || source.has('.yarnrc.yml');
}

function yarnPlan(source: SourceView, declared: string | null, lockfile: string | null, manifests: string[]): InstallPlan {
  const runScript = (s: string) => `yarn run ${s}`;
  if (isBerry(source, declared)) {
    // Berry is published on npm as @yarnpkg/cli-dist (what corepack fetches); a repo that commits
    // its release (.yarnrc.yml yarnPath) is run by any yarn, so Yarn 1 is enough to start it.
    const yarnPath = /^yarnPath:/m.test(source.read('.yarnrc.yml') ?? '');
    const setup = yarnPath || !declared ? 'npm install -g yarn@1' : `npm install -g @yarnpkg/cli-dist@${declared}`;
    const immutable = lockfile ? ' --immutable' : '';
    return {
      manager: 'yarn', berry: true, lockfile, manifests, setup, runScript,
      cacheDir: BERRY_GLOBAL, installEnv: null,
      installProduction: `yarn install${immutable}`,
      installAll: `yarn install${immutable}`,
      prune: 'yarn workspaces focus --all --production',
    };
  }
  const frozen = lockfile ? ' --frozen-lockfile' : '';
  return {
    manager: 'yarn', berry: false, lockfile, manifests, runScript,
    setup: `npm install -g yarn@${declared ?? '1'}`,
    cacheDir: YARN1_CACHE, installEnv: null,
    installProduction: `yarn install${frozen} --production --non-interactive`,
    installAll: `yarn install${frozen} --production=false --non-interactive`,
    prune: `yarn install${frozen} --production --ignore-scripts --prefer-offline --non-interactive`,
  };
}

export function planInstall(source: SourceView, pkg: PackageJson): InstallPlan {
  const declared = declaredManager(pkg);
  const npmLock = NPM_LOCKS.find((f) => source.has(f)) ?? null;
  const name = declared?.name
    ?? (npmLock ? 'npm' : source.has('yarn.lock') ? 'yarn' : source.has('pnpm-lock.yaml') ? 'pnpm' : 'npm');
  const lockfile = name === 'npm' ? npmLock : name === 'yarn' ? (source.has('yarn.lock') ? 'yarn.lock' : null)
    : (source.has('pnpm-lock.yaml') ? 'pnpm-lock.yaml' : null);
  const manifests = ['package.json', ...(lockfile ? [lockfile] : []), ...CONFIG_FILES.filter((f) => source.has(f))];

  if (name === 'yarn') return yarnPlan(source, declared?.version ?? null, lockfile, manifests);
  if (name === 'pnpm') {
    const version = declared?.version ?? pnpmForLockfile(source.read('pnpm-lock.yaml'));
    const frozen = lockfile ? ' --frozen-lockfile' : '';
    return {
      manager: 'pnpm', berry: false, lockfile, manifests,
      setup: `npm install -g pnpm@${version}`,
      cacheDir: PNPM_STORE, installEnv: `npm_config_store_dir=${PNPM_STORE}`,
      installProduction: `pnpm install${frozen} --prod`,
      installAll: `pnpm install${frozen} --prod=false`,
      prune: 'pnpm prune --prod',
      runScript: (s) => `pnpm run ${s}`,
    };
  }
  const verb = lockfile ? 'ci' : 'install';
  return {
    manager: 'npm', berry: false, lockfile, manifests,
    setup: declared ? `npm install -g --force npm@${declared.version}` : null, // --force: replaces berth's npm wrapper
    cacheDir: '/root/.npm', installEnv: null,
    installProduction: `npm ${verb} --omit=dev`,
    installAll: `npm ${verb} --include=dev`,
    prune: 'npm prune --omit=dev',
    runScript: (s) => `npm run ${s}`,
  };
}
