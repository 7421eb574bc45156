import { stringify } from 'yaml';
import { BerthError } from '../errors';
import type { AppsService, AppSettings } from '../apps';
import { appVolumeName, assertAppName } from '../apps';
import { assertConfigKey } from '../config-vars';
import { normalizeHostname } from '../domains';
import { validatePresetScale } from '../processes';
import type { BuildSettings } from '../builds';
import type { ConfigVarsService } from '../config-vars';
import type { ChecksSettings } from '../deploys';
import type { DomainsService, RoutingService } from '../domains';
import type { PluginHost } from '../plugins';
import type { ProcessesService } from '../processes';
import type { ReleasesService } from '../releases';
import type { ServiceKit, ServiceLinks } from '../services-kit';
import { legacyVolumeName, parseMountSpec, type StorageService } from '../storage';
import { KEEP, type AppSpec, type CurrentDoc, type MountSpecEntry, type OpenDoc, type OpenValue, type SecretValue, type ServerDoc } from './document';
import { parseServerFile } from './parse-server-file';
import { planChanges, type Change, type ChangeAction } from './plan';
import { Sealer } from './sealed-values';

export interface ServerFileDeps {
  readonly apps: Pick<AppsService, 'list' | 'create'>;
  readonly appSettings: Pick<AppSettings, 'setBuilder' | 'setBuildpack' | 'setDeployBranch'>;
  readonly configVars: Pick<ConfigVarsService, 'get'>;
  readonly releases: Pick<ReleasesService, 'changeConfig'>;
  readonly domains: Pick<DomainsService, 'report' | 'set' | 'globals' | 'addGlobal' | 'removeGlobal'>;
  readonly routing: Pick<RoutingService, 'ports' | 'changePorts' | 'nginxReport' | 'nginxChange'>;
  readonly processes: Pick<ProcessesService, 'formation' | 'scaleOrPreset' | 'setRestartPolicy' | 'setLimits'>;
  readonly checks: Pick<ChecksSettings, 'report' | 'change'>;
  readonly buildSettings: Pick<BuildSettings, 'report' | 'set' | 'changeOptions'>;
  readonly storage: Pick<StorageService, 'list' | 'mount' | 'unmount' | 'rootOf'>;
  readonly services: { readonly plugins: Pick<PluginHost, 'list' | 'setEnabled' | 'catalog'>; readonly kit: Pick<ServiceKit, 'list' | 'create'>; readonly links: Pick<ServiceLinks, 'ofApp' | 'link' | 'unlink'> };
}

/** How an export writes secrets (config values, build options). */
export type SecretsMode = { readonly passphrase: string } | 'plaintext' | 'keep';

/** Who applies: an admin (the route checks), named in each change's event. */
export interface Applier { readonly name: string; readonly role: string }

export interface ApplyResult {
  /** The diff, in the order the changes are (or would be) made. Empty: the server matches the file. */
  readonly changes: readonly string[];
  readonly applied: boolean;
}

/**
 * `berth export` and `berth apply` (docs/server-file.md): the server's apps, services, links and
 * plugins as one YAML file, and a file made true on a server. apply compares the file with what
 * the server has (planChanges), then makes each change through the service its verb uses, so the
 * verbs' checks and error codes hold (a bad app name is INVALID_APP_NAME, another app's domain
 * DOMAIN_TAKEN, a host path outside the app's storage INVALID_STORAGE_MOUNT).
 */
export class ServerFile {
  constructor(private readonly deps: ServerFileDeps) {}

  export(mode: SecretsMode): string {
    const current = this.read();
    const sealer = typeof mode === 'object' ? Sealer.create(mode.passphrase) : null;
    const secret = (v: string): SecretValue => (sealer ? { encrypted: sealer.seal(v) } : mode === 'plaintext' ? v : { keep: true });
    const apps: Record<string, AppSpec> = {};
    for (const [name, a] of Object.entries(current.apps ?? {})) {
      apps[name] = {
        ...a,
        build: { ...a.build, options: a.build?.options ? secret(a.build.options) : '' },
        config: Object.fromEntries(Object.entries(a.config ?? {}).map(([k, v]) => [k, secret(v)])),
      };
    }
    const doc: ServerDoc = { berth: 1, ...(sealer ? { secrets: { kdf: 'scrypt', salt: sealer.salt } } : {}), settings: current.settings, plugins: current.plugins, services: current.services, apps };
    return `# berth export: ${mode === 'plaintext' ? 'SECRETS IN PLAINTEXT — keep this file safe' : sealer ? 'secrets sealed with a passphrase (docs/server-file.md)' : 'secrets kept as { keep: true } (export with a passphrase to carry them)'}\n${stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 })}`;
  }

  /** The diff of a file against this server; with `dryRun` nothing is changed. */
  async apply(text: string, o: { passphrase?: string; dryRun: boolean; by: Applier }): Promise<ApplyResult> {
    const desired = open(parseServerFile(text), o.passphrase);
    const changes = planChanges(this.read(), desired);
    // What the verbs' own parsers can tell without the server's state is checked for every change
    // first, so a file with a bad name, domain, key, mount or count changes nothing at all.
    for (const c of changes) {
      try {
        preflight(c.action);
      } catch (e) {
        if (!(e instanceof BerthError)) throw e;
        throw new BerthError(e.code, `${c.text.slice(2)}: ${e.message} (nothing was changed)`);
      }
    }
    if (o.dryRun || changes.length === 0) return { changes: changes.map((c) => c.text), applied: false };
    let done = 0;
    for (const c of changes) {
      try {
        await this.make(c.action, o.by);
      } catch (e) {
        if (!(e instanceof BerthError)) throw e;
        throw new BerthError(e.code, `${c.text.slice(2)}: ${e.message} (${done} of ${changes.length} changes were made before this one; fix the file and apply again)`);
      }
      done++;
    }
    return { changes: changes.map((c) => c.text), applied: true };
  }

  /** The server now, complete and in plaintext (what an export writes, before secrets are sealed). */
  read(): CurrentDoc {
    const d = this.deps;
    const plugins: Record<string, { enabled: boolean }> = {};
    for (const p of d.services.plugins.list()) plugins[p.id] = { enabled: p.status !== 'disabled' };
    const services: Record<string, Record<string, { links: Record<string, string> }>> = {};
    for (const s of d.services.plugins.catalog.list()) {
      for (const r of d.services.kit.list(s.id)) (services[s.id] ??= {})[r.name] = { links: {} };
    }
    const apps: Record<string, AppSpec<string>> = {};
    for (const a of d.apps.list()) {
      for (const l of d.services.links.ofApp(a.name)) {
        const s = services[l.plugin]?.[l.service];
        if (s) s.links[a.name] = l.alias;
      }
      const build = d.buildSettings.report(a.name);
      const checks = d.checks.report(a.name);
      apps[a.name] = {
        deployBranch: a.deployBranch,
        builder: a.builder ?? 'auto',
        buildpack: a.buildpack ?? 'auto',
        build: { dockerfilePath: build['dockerfile-path'], buildDir: build['build-dir'], buildkit: build.buildkit, options: build['docker-options-build'].join('\n') },
        restartPolicy: a.restartPolicy,
        resources: { memoryMb: a.memoryMb, cpus: a.cpus },
        checks: { disabled: checks.disabled, skipped: checks.skipped },
        config: d.configVars.get(a.name),
        ports: d.routing.ports(a.name),
        scale: d.processes.formation(a.name),
        storage: this.mountsOf(a.name, a.id),
        nginx: d.routing.nginxReport(a.name).settings,
        domains: d.domains.report(a.name).customDomains,
      };
    }
    return { berth: 1, settings: { globalDomains: d.domains.globals() }, plugins, services, apps };
  }

  /** The app's mounts as the file names them: volumes by their short name, host folders by their name below the app's storage root. */
  private mountsOf(app: string, appId: string): MountSpecEntry[] {
    const root = this.deps.storage.rootOf(app);
    return this.deps.storage.list(app).map((m) => {
      if (m.kind === 'host') return m.source.startsWith(`${root}/`) ? { folder: m.source.slice(root.length + 1), path: m.target } : { folder: m.source, path: m.target };
      const prefix = [appVolumeName(appId, ''), legacyVolumeName(app, '')].find((x) => m.source.startsWith(x));
      return { volume: prefix ? m.source.slice(prefix.length) : m.source, path: m.target };
    });
  }

  private async make(a: ChangeAction, by: Applier): Promise<void> {
    const d = this.deps;
    const user = by.name;
    switch (a.kind) {
      case 'plugin': d.services.plugins.setEnabled(a.id, a.enabled); return;
      case 'globalDomains':
        if (a.remove.length) await d.domains.removeGlobal([...a.remove], user);
        if (a.add.length) await d.domains.addGlobal([...a.add], user);
        return;
      case 'app.nginx': await d.routing.nginxChange(a.app, { set: { ...a.set }, unset: [...a.unset] }, by); return;
      case 'service.create': await d.services.kit.create({ plugin: a.plugin, name: a.name, user }); return;
      case 'app.create': await d.apps.create(a.app, user); return;
      case 'app.deployBranch': d.appSettings.setDeployBranch(a.app, a.value, user); return;
      case 'app.builder': d.appSettings.setBuilder(a.app, a.value, user); return;
      case 'app.buildpack': d.appSettings.setBuildpack(a.app, a.value, user); return;
      case 'app.restartPolicy': d.processes.setRestartPolicy(a.app, a.value, user); return;
      case 'app.buildSetting': d.buildSettings.set(a.app, a.key, a.value, user); return;
      case 'app.buildOptions': d.buildSettings.changeOptions(a.app, { clear: true, add: [...a.options] }, user); return;
      case 'app.resources':
        d.processes.setLimits(a.app, { memory: a.memoryMb === null ? '0' : `${a.memoryMb}m`, cpus: a.cpus === null ? '0' : String(a.cpus) }, user);
        return;
      case 'app.checks':
        d.checks.change(a.app, 'enable', undefined, user);
        if (a.disabled.length) d.checks.change(a.app, 'disable', a.disabled, user);
        if (a.skipped.length) d.checks.change(a.app, 'skip', a.skipped, user);
        return;
      case 'app.config': await d.releases.changeConfig(a.app, { set: { ...a.set }, unset: [...a.unset] }, { restart: true, user }); return;
      case 'app.ports': await d.routing.changePorts(a.app, a.ports.length ? { set: [...a.ports] } : { clear: true }, user); return;
      case 'app.mount': d.storage.mount(a.app, this.specOf(a.app, a.mount), by); return;
      case 'app.unmount': d.storage.unmount(a.app, this.specOf(a.app, a.mount), user); return;
      case 'app.scale': await d.processes.scaleOrPreset(a.app, a.scale, user); return;
      case 'app.domains': await d.domains.set(a.app, [...a.domains], user); return;
      case 'service.unlink': await d.services.links.unlink({ plugin: a.plugin, name: a.name, app: a.app, user }); return;
      case 'service.link': await d.services.links.link({ plugin: a.plugin, name: a.name, app: a.app, alias: a.alias, user }); return;
    }
  }

  /**
   * A mount as storage:mount takes it. A folder is only ever joined below the app's own storage
   * root; parseMountSpec then refuses anything that does not resolve to a folder directly below it
   * (`../x`, `a/b`), so a file cannot mount a host path elsewhere.
   */
  private specOf(app: string, m: MountSpecEntry): string {
    return m.volume !== undefined ? `${m.volume}:${m.path}` : `${this.deps.storage.rootOf(app)}/${m.folder}:${m.path}`;
  }
}

/**
 * The checks of a change that need no state, by the verbs' own functions: app names, config keys,
 * hostnames, process types and counts, mount names and container paths (a folder name obeys the
 * volume-name rule, so `../x` or `/etc` is refused here; the storage service checks the resolved
 * path again when it mounts).
 */
function preflight(a: ChangeAction): void {
  switch (a.kind) {
    case 'app.create': assertAppName(a.app); return;
    case 'app.config': Object.keys(a.set).forEach((k) => assertConfigKey(k)); return;
    case 'app.domains': a.domains.forEach((d) => normalizeHostname(d)); return;
    case 'app.scale': validatePresetScale(a.app, a.scale); return;
    case 'app.mount': parseMountSpec(`${a.mount.volume ?? a.mount.folder}:${a.mount.path}`, { appId: 'preflight', storageDir: '/nonexistent' }); return;
    default: return;
  }
}

/** The file with its secrets opened: sealed values with the passphrase, `{ keep: true }` as KEEP. */
export function open(doc: ServerDoc, passphrase: string | undefined): OpenDoc {
  let sealer: Sealer | null = null;
  const value = (v: SecretValue, where: string): OpenValue => {
    if (typeof v === 'string') return v;
    if ('keep' in v) return KEEP;
    if (!doc.secrets) throw new BerthError('SERVER_FILE_INVALID', `${where} is sealed, but the file has no secrets.salt to open it with.`);
    if (passphrase === undefined) throw new BerthError('SERVER_FILE_PASSPHRASE', `${where} is sealed: give the passphrase it was exported with (--passphrase-file, or BERTH_EXPORT_PASSPHRASE).`);
    sealer ??= Sealer.open(passphrase, doc.secrets.salt);
    return sealer.unseal(v.encrypted, where);
  };
  const apps: Record<string, AppSpec<OpenValue>> = Object.create(null);
  for (const [name, a] of Object.entries(doc.apps ?? {})) {
    const { build, config, ...plain } = a;
    apps[name] = {
      ...plain,
      ...(build ? { build: { ...build, options: build.options === undefined ? undefined : value(build.options, `apps.${name}.build.options`) } } : {}),
      ...(config ? { config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, value(v, `apps.${name}.config.${k}`)])) } : {}),
    };
  }
  return { ...doc, apps } as OpenDoc;
}
