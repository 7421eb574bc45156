import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { sync as writeAtomicSync } from 'write-file-atomic';
import path from 'node:path';
import { BerthError } from '../../errors';

/** How long a registry answer is reused: new Node.js releases appear weekly, pushes come often. */
const TTL_MS = 10 * 60 * 1000;
const PACKAGE = /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/;

export interface NpmVersionsOptions {
  readonly npm?: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /**
   * Where the last good answer per package is kept ($BERTH_HOME/cache/npm). When the registry
   * cannot be asked, that answer is used, so apps on versions whose runtime image is already
   * built still deploy during a registry outage.
   */
  readonly cacheDir?: string;
}

/**
 * The versions the npm registry offers for a package, asked through the host's own `npm`
 * (`npm view <pkg> versions --json`), so the registry, mirror, proxy and CA settings are the
 * ones npm is configured with on this host (~/.npmrc, /etc/npmrc) — berth needs no other download path.
 */
export class NpmVersions {
  private readonly cache = new Map<string, { at: number; versions: Promise<readonly string[]> }>();

  constructor(private readonly options: NpmVersionsOptions = {}) {}

  versions(pkg: string): Promise<readonly string[]> {
    if (!PACKAGE.test(pkg)) return Promise.reject(new Error(`not an npm package name: ${pkg}`));
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(pkg);
    if (hit && now - hit.at < TTL_MS) return hit.versions;
    const versions = this.ask(pkg).then((list) => { this.keep(pkg, list); return list; }, (e: unknown) => this.kept(pkg, e));
    this.cache.set(pkg, { at: now, versions });
    // A failed answer is not kept in memory: the next push asks again.
    versions.catch(() => { if (this.cache.get(pkg)?.versions === versions) this.cache.delete(pkg); });
    return versions;
  }

  private fileOf(pkg: string): string | null {
    return this.options.cacheDir ? path.join(this.options.cacheDir, `${pkg.replace('/', '+')}.json`) : null;
  }

  /** Best effort: a cache that cannot be written only loses the outage fallback. */
  private keep(pkg: string, list: readonly string[]): void {
    const file = this.fileOf(pkg);
    if (!file) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeAtomicSync(file, JSON.stringify(list));
    } catch { /* see above */ }
  }

  /** The last good answer on disk, or the registry's error when there is none. */
  private kept(pkg: string, error: unknown): readonly string[] {
    const file = this.fileOf(pkg);
    try {
      const parsed: unknown = file ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
      if (Array.isArray(parsed) && parsed.length > 0) {
        console.error(`berth: ${(error as Error).message} Using the versions it offered last time (${file}).`);
        return parsed.filter((v): v is string => typeof v === 'string');
      }
    } catch { /* no usable answer kept */ }
    throw error;
  }

  private ask(pkg: string): Promise<readonly string[]> {
    return new Promise((resolve, reject) => {
      execFile(this.options.npm ?? 'npm', ['view', pkg, 'versions', '--json'], {
        timeout: this.options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      }, (err, stdout, stderr) => {
        if (err) {
          const why = (String(stderr).split('\n').find((l) => /error/i.test(l)) ?? err.message).trim();
          reject(new BerthError('RUNTIME_REGISTRY_UNREACHABLE', `berth could not ask the npm registry which versions of ${pkg} exist (${why}); check that \`npm view ${pkg} versions\` works on the berth host.`));
          return;
        }
        try {
          const parsed: unknown = JSON.parse(String(stdout));
          const list = Array.isArray(parsed) ? parsed : [parsed];
          resolve(list.filter((v): v is string => typeof v === 'string'));
        } catch {
          reject(new BerthError('RUNTIME_REGISTRY_UNREACHABLE', `npm view ${pkg} versions did not answer JSON; check npm on the berth host.`));
        }
      });
    });
  }
}
