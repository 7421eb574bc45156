import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors';
import type { AppRoute, OwnAddressRouter, OwnRoute, Router } from '../../ports/router';
import { readFileOrNull, writeFileAtomic } from './atomic-write';
import { applyBatch, undo, writeFiles } from './apply-batch';
import { ChangeBatcher, type Change, type ConfFile } from './change-batch';
import { ConfigLock } from './lock';
import { startMaster, testConfig } from './nginx-cli';
import { absoluteBinary, canReplace, hupReload, replaceMaster } from './reload';
import { checkAlone } from './scratch-check';
import { rotateLogFiles } from './log-rotation';
import { buildAppView, type AppConfView } from './app-view';
import { renderCustomTemplate, templateVars } from './custom-template';
import { checkSnippet } from './template-snippet';
import { checkRawListens } from './raw-listen';
import { leaveOut, listenPorts } from './left-out';
import { httpListen, httpsListen, resolveOptions, type NginxRouterOptions, type ResolvedOptions } from './options';
import { nginxPaths, type NginxPaths } from './paths';
import { portInUse } from './port-probe';
import { isAlive, mastersOf, runningMaster, workersOf, waitFor } from './processes';
import { NginxTemplates } from './templates';
import { ensureDefaultCert } from './tls-files';
import { validateAppName, validateHopSecret, validateHostname, validateIPv4, validatePort, validateRoute, validateTls, type RouteView } from './validate';

const CHALLENGE_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * berth's own nginx master: one server block per app in `dir/apps`. Route changes arriving
 * together are applied as one batch (change-batch.ts, apply-batch.ts) with one reload, which
 * replaces the master by a fresh one (reload.ts replaceMaster), so its memory stays that of one
 * config.
 */
export class NginxRouter implements Router, OwnAddressRouter {
  private readonly opts: ResolvedOptions;
  private readonly paths: NginxPaths;
  private readonly templates: NginxTemplates;
  private readonly lock: ConfigLock;
  private readonly batcher: ChangeBatcher;
  private refreshTimer: NodeJS.Timeout | null = null;
  private reloadCount = 0;

  constructor(options: NginxRouterOptions, templates: NginxTemplates = new NginxTemplates()) {
    this.opts = resolveOptions(options);
    this.paths = nginxPaths(this.opts.dir);
    this.templates = templates;
    this.lock = new ConfigLock(this.paths.lockFile);
    const cli = { nginxBin: this.opts.nginxBin, paths: this.paths, timeoutMs: this.opts.timeoutMs };
    this.batcher = new ChangeBatcher((changes) => this.lock.run(() => applyBatch(changes, {
      checkAlone: (confs) => checkAlone(cli, confs),
      checkWhole: () => testConfig(this.opts.nginxBin, this.paths, this.opts.timeoutMs),
      reload: () => this.reloadIfRunning(),
    })), this.opts.batchDelayMs);
  }

  async start(): Promise<void> {
    this.ensureDirs();
    await this.lock.run(async () => {
      for (const [name, html] of Object.entries(this.templates.pages())) {
        writeFileAtomic(path.join(this.paths.pagesDir, name), html);
      }
      const master = this.master();
      if (master === null) {
        fs.rmSync(this.paths.pidFile, { force: true }); // stale or absent
        await this.leaveOutTakenPorts();
      }
      await ensureDefaultCert({ tlsDir: this.paths.tlsDir, opensslBin: this.opts.opensslBin, timeoutMs: this.opts.timeoutMs });
      const main = this.templates.mainConf({ listen: httpListen(this.opts), httpsListen: httpsListen(this.opts) });
      await this.writeChecked([{ file: this.paths.conf, content: main, mode: 0o600 }]);
      if (master !== null) await this.reload(master); // adopted: the same master, reloaded
      else await this.launch();
    });
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    await this.lock.run(async () => {
      // The current master and any replaced one still finishing its requests (replaceMaster).
      const masters = mastersOf(this.paths.conf);
      if (masters.length === 0) return;
      for (const m of masters) process.kill(m, 'SIGQUIT');
      const gone = () => masters.every((m) => !isAlive(m));
      if (await waitFor(gone, this.opts.timeoutMs)) return fs.rmSync(this.paths.pidFile, { force: true });
      // Graceful quit waits for long requests (websockets); past the timeout, stop them.
      for (const m of masters) if (isAlive(m)) process.kill(m, 'SIGTERM');
      if (!(await waitFor(gone, this.opts.timeoutMs))) {
        throw new BerthError('INTERNAL', `nginx master ${masters.filter(isAlive).join(', ')} did not exit.`);
      }
      fs.rmSync(this.paths.pidFile, { force: true });
    });
  }

  async apply(route: AppRoute): Promise<void> {
    // Validate and render before taking the lock: invalid input never touches the disk.
    this.render(route);
    const view = validateRoute(route, this.opts.domain, { clientMaxBodySize: this.opts.clientMaxBodySize });
    this.ensureDirs();
    await this.batcher.submit({
      files: async () => this.render(route, await this.unbindable(route)),
      wholeConfig: view.template !== null && view.settings.rawTemplate,
    });
  }

  async applyOwn(route: OwnRoute | null): Promise<void> {
    const files = this.renderOwn(route);
    this.ensureDirs();
    await this.batcher.submit({ files: async () => files });
  }

  /** berth's own server blocks and certificate (`tls/_berth.*`: no app name starts with `_`). */
  private renderOwn(route: OwnRoute | null): ConfFile[] {
    const rel = { cert: 'tls/_berth.crt', key: 'tls/_berth.key' };
    const file = (name: string, content: string | null): ConfFile => ({ file: path.join(this.paths.dir, name), content, mode: 0o600 });
    const conf = path.relative(this.paths.dir, path.join(this.paths.ownDir, 'berth.conf'));
    if (route === null) return [file(conf, null), file(rel.cert, null), file(rel.key, null)];
    const tls = validateTls(route.tls);
    const upstream = `${validateIPv4(route.upstream.host)}:${validatePort(route.upstream.port)}`;
    const text = this.templates.ownConf({
      hostname: validateHostname(route.hostname),
      listen: httpListen(this.opts), httpsListen: httpsListen(this.opts),
      redirectSuffix: this.opts.httpsPort === 443 ? '' : `:${this.opts.httpsPort}`,
      tls: tls === null ? null : rel, upstream, hopSecret: validateHopSecret(route.hopSecret),
    });
    return [file(conf, text), file(rel.cert, tls?.cert ?? null), file(rel.key, tls?.key ?? null)];
  }

  /**
   * The app's own host ports (not the router's) that nginx does not listen on yet and another
   * process holds now (taken after ports:add checked them): with them in the config nginx's reload
   * would fail to bind, and every app's route changes with it. They are left out (and named in the
   * config, `nginx:show-config`) until the port is free and the route is applied again.
   */
  private async unbindable(route: AppRoute): Promise<number[]> {
    const o = this.opts;
    const view = validateRoute(route, o.domain, { clientMaxBodySize: o.clientMaxBodySize });
    const own = [...new Set(view.ports.map((p) => p.hostPort))].filter((p) => p !== 80 && p !== 443 && p !== o.httpPort && p !== o.httpsPort);
    if (own.length === 0) return [];
    // A running master holds the ports the configs listen on; a stopped one holds none.
    const held = this.master() === null ? new Set<number>() : this.listenedPorts();
    const out: number[] = [];
    for (const p of own) if (!held.has(p) && (await portInUse(p, o.listenAddress))) out.push(p);
    return out;
  }

  /** Ports the apps' configs on disk listen on: nginx holds them itself, so a probe finds them busy. */
  private listenedPorts(): Set<number> {
    return new Set(this.appConfs().flatMap((c) => listenPorts(c.text)));
  }

  private appConfs(): Array<{ file: string; text: string }> {
    return fs.readdirSync(this.paths.appsDir).filter((n) => n.endsWith('.conf'))
      .map((n) => ({ file: path.join(this.paths.appsDir, n), text: readFileOrNull(path.join(this.paths.appsDir, n)) ?? '' }));
  }

  /**
   * Before a master starts: an app's own host port that another process took while nginx was
   * stopped would make the start fail for every app (and berth's start with it). Each such port is
   * taken out of the configs on disk and named there (left-out.ts), as apply() does while nginx runs.
   */
  private async leaveOutTakenPorts(): Promise<void> {
    const o = this.opts;
    const confs = this.appConfs();
    const own = [...new Set(confs.flatMap((c) => listenPorts(c.text)))].filter((p) => p !== o.httpPort && p !== o.httpsPort);
    const taken = new Set<number>();
    for (const p of own) if (await portInUse(p, o.listenAddress)) taken.add(p);
    if (taken.size === 0) return;
    for (const c of confs) {
      const text = leaveOut(c.text, taken);
      if (text !== c.text) writeFileAtomic(c.file, text, 0o600);
    }
  }

  /** The app's config file and its certificate files, as apply() would write them. */
  private render(route: AppRoute, unbound: readonly number[] = []): ConfFile[] {
    const view = validateRoute(route, this.opts.domain, { clientMaxBodySize: this.opts.clientMaxBodySize });
    const rel = this.paths.appCert(view.app);
    const appView = buildAppView(view, this.opts, rel, unbound);
    const conf = view.template === null ? this.templates.appConf(appView) : this.appTemplateConf(appView, view);
    return [
      { file: this.paths.appConf(view.app), content: conf, mode: 0o600 },
      { file: path.join(this.paths.dir, rel.cert), content: view.tls?.cert ?? null, mode: 0o600 },
      { file: path.join(this.paths.dir, rel.key), content: view.tls?.key ?? null, mode: 0o600 },
    ];
  }

  /**
   * The app's own nginx.conf.njk: a raw server block only when an admin set `raw-template` (its
   * listen lines only where berth would put this app: raw-listen.ts); otherwise a snippet of
   * allowed directives, checked before `nginx -t` reads it.
   */
  private appTemplateConf(appView: AppConfView, view: RouteView): string {
    const rendered = renderCustomTemplate(view.template!, templateVars(appView, this.opts));
    if (view.settings.rawTemplate) {
      const http = httpListen(this.opts);
      const https = httpsListen(this.opts);
      const own = [...new Set(appView.servers.map((s) => s.listen))].filter((l) => l !== http && l !== https);
      checkRawListens(rendered, { app: view.app, http, https, own });
      return this.templates.customAppConf(appView, rendered);
    }
    checkSnippet(rendered, { app: view.app });
    const snippet = rendered.split('\n').map((l) => (l.trim() ? `  ${l}` : '')).join('\n').replace(/\s+$/, '');
    // proxy_pass http://berth_<app> must resolve even while no container runs.
    const groups = appView.groups.length > 0 ? appView.groups : [{ name: `berth_${view.app}`, servers: ['127.0.0.1:9 down'] }];
    return this.templates.appConf({ ...appView, groups, snippet });
  }

  async configOf(app: string): Promise<string | null> {
    return readFileOrNull(this.paths.appConf(validateAppName(app)));
  }

  async putChallenge(token: string, content: string): Promise<void> {
    if (!CHALLENGE_TOKEN.test(token)) throw new BerthError('INVALID_INPUT', 'An ACME challenge token is base64url text.');
    fs.mkdirSync(this.paths.challengeDir, { recursive: true, mode: 0o755 });
    writeFileAtomic(path.join(this.paths.challengeDir, token), content, 0o644);
  }

  async removeChallenge(token: string): Promise<void> {
    if (!CHALLENGE_TOKEN.test(token)) return;
    fs.rmSync(path.join(this.paths.challengeDir, token), { force: true });
  }

  async remove(app: string): Promise<void> {
    const name = validateAppName(app);
    const rel = this.paths.appCert(name);
    const gone = (file: string): ConfFile => ({ file, content: null, mode: 0o600 });
    const change: Change = {
      files: async () => [gone(this.paths.appConf(name)), gone(path.join(this.paths.dir, rel.cert)), gone(path.join(this.paths.dir, rel.key))],
      // The app's own logs are named by its name: left behind, the next app of that name (anyone's,
      // after a destroy or a rename) read the old one's requests with nginx:access-logs.
      afterLive: () => {
        for (const kind of ['access', 'error']) for (const f of [`${name}.${kind}.log`, `${name}.${kind}.log.1`]) fs.rmSync(path.join(this.paths.logsDir, f), { force: true });
      },
    };
    await this.batcher.submit(change);
  }

  /** Copies each log past `maxBytes` to `<file>.1` and empties it (log-rotation.ts); the files rotated. */
  async rotateLogs(maxBytes: number, o: { dryRun?: boolean } = {}): Promise<string[]> {
    return this.lock.run(async () => rotateLogFiles(this.paths.logsDir, maxBytes, o));
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
    for (const d of [p.dir, p.appsDir, p.ownDir, p.pagesDir, p.logsDir, p.tmpDir, ...p.tempDirs, p.challengeDir]) {
      fs.mkdirSync(d, { recursive: true });
    }
    fs.mkdirSync(p.tlsDir, { recursive: true, mode: 0o700 });
    allowTraverse(p.dir);
    // Workers serve challenges from acme/ (world-readable); keys stay in tls/ (root only).
    for (let d = p.challengeDir; d.startsWith(p.dir) && d !== p.dir; d = path.dirname(d)) fs.chmodSync(d, 0o755);
    // Workers drop to an unprivileged user when nginx runs as root: they must reach pages/ and
    // their temp dirs (the master chowns those to them), nothing else. The config, the logs and
    // the TLS copies are the master's (root) alone.
    fs.chmodSync(p.dir, 0o711);
    fs.chmodSync(p.tmpDir, 0o711);
    fs.chmodSync(p.pagesDir, 0o755);
    for (const d of [p.appsDir, p.ownDir, p.logsDir]) fs.chmodSync(d, 0o700);
  }

  private master(): number | null {
    return runningMaster(this.paths.pidFile, this.paths.conf);
  }

  /** Writes the files, runs `nginx -t` of the whole config, and puts the previous contents back when nginx says no. */
  private async writeChecked(files: readonly ConfFile[]): Promise<void> {
    const written = writeFiles(files);
    const check = await testConfig(this.opts.nginxBin, this.paths, this.opts.timeoutMs);
    if (!check.ok) {
      undo(written);
      throw new BerthError('ROUTER_CONFIG_INVALID', `nginx rejected ${path.basename(files[0].file)}: ${check.output}`);
    }
  }

  private async reloadIfRunning(): Promise<void> {
    // Without a master the config simply waits on disk for start().
    const master = this.master();
    if (master !== null) await this.reload(master);
  }

  /** Reloads nginx took (for the bench and the batching test: a batch is one; a refused one is none). */
  get reloads(): number {
    return this.reloadCount;
  }

  /**
   * A reload by a fresh master (reload.ts replaceMaster). While the master's own old master still
   * finishes a long request nginx cannot replace it: a SIGHUP reload then, and a fresh master once
   * changes went quiet for `refreshIdleMs` and the old one is gone (a reload's heap keeps a copy
   * of the config).
   */
  private async reload(master: number): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (canReplace(master, this.paths)) await replaceMaster(master, this.paths, this.opts.timeoutMs);
    else {
      await hupReload(master, this.paths, this.opts.timeoutMs);
      this.refreshLater();
    }
    this.reloadCount += 1;
  }

  private refreshLater(): void {
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.lock.run(async () => {
        const m = this.master();
        if (m === null) return;
        if (canReplace(m, this.paths)) await replaceMaster(m, this.paths, this.opts.timeoutMs);
        else this.refreshLater();
      }).catch(() => undefined); // the master simply goes on
    }, this.opts.refreshIdleMs);
    this.refreshTimer.unref();
  }

  private async launch(): Promise<void> {
    // By its absolute path: a master re-executes its own argv[0] (replaceMaster).
    await startMaster(absoluteBinary(this.opts.nginxBin), this.paths, this.opts.timeoutMs);
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

/**
 * nginx workers run unprivileged when the master is root, and read pages/ and acme/ themselves:
 * every folder above the nginx dir must be traversable (o+x, not listable) for them, e.g. a
 * BERTH_HOME made 0700 by mkdtemp.
 */
function allowTraverse(dir: string): void {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    try {
      const st = fs.statSync(d);
      if ((st.mode & 0o001) === 0 && st.uid === process.getuid?.()) fs.chmodSync(d, (st.mode & 0o7777) | 0o001);
    } catch {
      return;
    }
    if (d === path.dirname(d)) return;
  }
}
