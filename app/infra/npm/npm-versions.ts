import { execFile } from 'node:child_process';
import { BerthError } from '../../errors';

/** How long a registry answer is reused: new Node.js releases appear weekly, pushes come often. */
const TTL_MS = 10 * 60 * 1000;
const PACKAGE = /^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/;

/**
 * The versions the npm registry offers for a package, asked through the host's own `npm`
 * (`npm view <pkg> versions --json`), so the registry, mirror, proxy and CA settings are the
 * ones npm is configured with on this host (~/.npmrc, /etc/npmrc) — berth needs no other download path.
 */
export class NpmVersions {
  private readonly cache = new Map<string, { at: number; versions: Promise<readonly string[]> }>();

  constructor(private readonly options: { npm?: string; timeoutMs?: number; now?: () => number } = {}) {}

  versions(pkg: string): Promise<readonly string[]> {
    if (!PACKAGE.test(pkg)) return Promise.reject(new Error(`not an npm package name: ${pkg}`));
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(pkg);
    if (hit && now - hit.at < TTL_MS) return hit.versions;
    const versions = this.ask(pkg);
    this.cache.set(pkg, { at: now, versions });
    // A failed answer is not kept: the next push asks again.
    versions.catch(() => { if (this.cache.get(pkg)?.versions === versions) this.cache.delete(pkg); });
    return versions;
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
