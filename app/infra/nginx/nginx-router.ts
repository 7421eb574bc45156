import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors';
import type { AppRoute, Router } from '../../ports/router';
import { readFileOrNull, restoreFile, writeFileAtomic } from './atomic-write';
import { ConfigLock } from './lock';
import { signalQuit, signalReload, startMaster, testConfig } from './nginx-cli';
import { httpListen, resolveOptions, type NginxRouterOptions, type ResolvedOptions } from './options';
import { nginxPaths, type NginxPaths } from './paths';
import { isAlive, runningMaster, workersOf, waitFor } from './processes';
import { NginxTemplates } from './templates';
import { validateAppName, validateRoute } from './validate';

/** berth's own nginx master: one server block per app in `dir/apps`, checked before every reload. */
export class NginxRouter implements Router {
  private readonly opts: ResolvedOptions;
  private readonly paths: NginxPaths;
  private readonly templates: NginxTemplates;
  private readonly lock: ConfigLock;

  constructor(options: NginxRouterOptions, templates: NginxTemplates = new NginxTemplates()) {
    this.opts = resolveOptions(options);
    this.paths = nginxPaths(this.opts.dir);
    this.templates = templates;
    this.lock = new ConfigLock(this.paths.lockFile);
  }

  async start(): Promise<void> {
    this.ensureDirs();
    await this.lock.run(async () => {
      for (const [name, html] of Object.entries(this.templates.pages())) {
        writeFileAtomic(path.join(this.paths.pagesDir, name), html);
      }
      const master = this.master();
      if (master === null) fs.rmSync(this.paths.pidFile, { force: true }); // stale or absent
      await this.writeChecked(this.paths.conf, this.templates.mainConf({ listen: httpListen(this.opts) }));
      if (master !== null) await this.reload(master);
      else await this.launch();
    });
  }

  async stop(): Promise<void> {
    await this.lock.run(async () => {
      const master = this.master();
      if (master === null) return;
      await signalQuit(this.opts.nginxBin, this.paths, this.opts.timeoutMs);
      if (await waitFor(() => !isAlive(master), this.opts.timeoutMs)) return;
      // Graceful quit waits for long requests (websockets); past the timeout, stop them.
      process.kill(master, 'SIGTERM');
      if (!(await waitFor(() => !isAlive(master), this.opts.timeoutMs))) {
        throw new BerthError('INTERNAL', `nginx master ${master} did not exit.`);
      }
    });
  }

  async apply(route: AppRoute): Promise<void> {
    // Validate and render before taking the lock: invalid input never touches the disk.
    const view = validateRoute(route, this.opts.domain);
    const conf = this.templates.appConf({
      ...view,
      listen: httpListen(this.opts),
      clientMaxBodySize: this.opts.clientMaxBodySize,
    });
    this.ensureDirs();
    await this.lock.run(async () => {
      const file = this.paths.appConf(view.app);
      if (readFileOrNull(file) === conf) return; // already live; spare the reload
      await this.writeChecked(file, conf);
      await this.reloadIfRunning();
    });
  }

  async remove(app: string): Promise<void> {
    const name = validateAppName(app);
    await this.lock.run(async () => {
      const file = this.paths.appConf(name);
      if (readFileOrNull(file) === null) return;
      fs.rmSync(file);
      await this.reloadIfRunning();
    });
  }

  async listApps(): Promise<string[]> {
    let names: string[];
    try {
      names = fs.readdirSync(this.paths.appsDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.filter((n) => n.endsWith('.conf') && !n.startsWith('.')).map((n) => n.slice(0, -5)).sort();
  }

  private ensureDirs(): void {
    const p = this.paths;
    for (const d of [p.dir, p.appsDir, p.pagesDir, p.logsDir, p.tmpDir, ...p.tempDirs]) {
      fs.mkdirSync(d, { recursive: true });
    }
    // Workers drop to an unprivileged user when nginx runs as root; they must reach pages/.
    fs.chmodSync(p.dir, 0o755);
    fs.chmodSync(p.pagesDir, 0o755);
  }

  private master(): number | null {
    return runningMaster(this.paths.pidFile, this.paths.conf);
  }

  /** Writes `file`, runs `nginx -t`, and puts the previous content back when nginx says no. */
  private async writeChecked(file: string, content: string): Promise<void> {
    const previous = readFileOrNull(file);
    writeFileAtomic(file, content);
    const check = await testConfig(this.opts.nginxBin, this.paths, this.opts.timeoutMs);
    if (!check.ok) {
      restoreFile(file, previous);
      throw new BerthError('ROUTER_CONFIG_INVALID', `nginx rejected ${path.basename(file)}: ${check.output}`);
    }
  }

  private async reloadIfRunning(): Promise<void> {
    // Without a master the config simply waits on disk for start().
    const master = this.master();
    if (master !== null) await this.reload(master);
  }

  /** Reloads and waits until new workers serve and the old ones stopped accepting connections. */
  private async reload(master: number): Promise<void> {
    const before = new Set(workersOf(master).map((w) => w.pid));
    await signalReload(this.opts.nginxBin, this.paths, this.opts.timeoutMs);
    const applied = await waitFor(() => {
      const now = workersOf(master);
      const fresh = now.some((w) => !before.has(w.pid));
      const oldStillAccepting = now.some((w) => before.has(w.pid) && !w.shuttingDown);
      return fresh && !oldStillAccepting;
    }, this.opts.timeoutMs);
    if (!applied) {
      throw new BerthError('INTERNAL', `nginx did not apply the new configuration; see ${path.join(this.paths.logsDir, 'error.log')}.`);
    }
  }

  private async launch(): Promise<void> {
    await startMaster(this.opts.nginxBin, this.paths, this.opts.timeoutMs);
    // The foreground nginx exits once it has forked; the master writes its pid file just after.
    const up = await waitFor(() => {
      const m = this.master();
      return m !== null && workersOf(m).length > 0;
    }, this.opts.timeoutMs);
    if (!up) {
      throw new BerthError('INTERNAL', `nginx did not start; see ${path.join(this.paths.logsDir, 'error.log')}.`);
    }
  }
}
