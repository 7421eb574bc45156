import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ServiceEngine } from '../ports/service-engine';
import { verifyInScratch, type ScratchResult } from './scratch-restore';
import type { ServiceKit } from './service-kit';

/** export/import: the plugin knows the dump format; the kit streams it to and from HTTP. */
export class ServiceBackup {
  constructor(private readonly deps: {
    kit: ServiceKit; events: EventsService;
    /** For restores into throw-away containers (verifyRestore); `scope` labels them as this berth's. */
    scratch?: { engine: ServiceEngine; scope: string; readyTimeoutSeconds?: number };
  }) {}

  /** Restores a dump of the service into a throw-away container and runs the plugin's verification (scratch-restore.ts). */
  async verifyRestore(o: { plugin: string; name: string; input: NodeJS.ReadableStream }): Promise<ScratchResult> {
    const s = this.deps.kit.find(o.plugin, o.name);
    const scratch = this.deps.scratch;
    if (!scratch) throw new BerthError('SERVICE_UNSUPPORTED', 'This berth cannot run verification containers.');
    try {
      return await verifyInScratch({ ...scratch, readyTimeoutSeconds: scratch.readyTimeoutSeconds ?? 120 }, { plugin: this.deps.kit.plugin(o.plugin), service: s, input: o.input });
    } catch (e) {
      if (e instanceof BerthError) throw e;
      throw new BerthError('SERVICE_BACKUP_FAILED', `${o.plugin} import failed: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Checks first (so an HTTP answer can still be an error), then returns the function that streams. */
  async prepareExport(plugin: string, name: string): Promise<(out: NodeJS.WritableStream) => Promise<void>> {
    const s = this.deps.kit.find(plugin, name);
    const { descriptor } = this.deps.kit.plugin(plugin);
    const run = descriptor.export;
    if (!run) throw new BerthError('SERVICE_UNSUPPORTED', `The ${plugin} plugin cannot export.`);
    await this.deps.kit.requireExec(s);
    return (out) => run(this.deps.kit.handle(s), out);
  }

  /** `replace`: the plugin's reset empties the data first, so the service holds exactly the dump afterwards. */
  async import(o: { plugin: string; name: string; input: NodeJS.ReadableStream; user: string | null; replace?: boolean }): Promise<void> {
    const s = this.deps.kit.find(o.plugin, o.name);
    const { descriptor } = this.deps.kit.plugin(o.plugin);
    if (!descriptor.import) throw new BerthError('SERVICE_UNSUPPORTED', `The ${o.plugin} plugin cannot import.`);
    await this.deps.kit.requireExec(s);
    try {
      if (o.replace && descriptor.reset) await descriptor.reset(this.deps.kit.handle(s));
      await descriptor.import(this.deps.kit.handle(s), o.input);
    } catch (e) {
      // A plugin's plain Error is still a failed restore, not a berth bug: say which plugin.
      if (e instanceof BerthError) throw e;
      throw new BerthError('SERVICE_BACKUP_FAILED', `${o.plugin} import failed: ${(e as Error).message}`, { cause: e });
    }
    this.deps.events.record({ app: null, kind: 'service.changed', message: `imported data into ${o.plugin} service ${o.name}`, user: o.user });
  }
}

/** For plugins: fails with the command's stderr when it did not exit 0. */
export function requireSuccess(what: string, r: { exitCode: number; stderr: string }): void {
  if (r.exitCode !== 0) {
    throw new BerthError('SERVICE_BACKUP_FAILED', `${what} failed (exit ${r.exitCode})${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`);
  }
}
