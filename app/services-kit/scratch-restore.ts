import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BerthError } from '../errors';
import { LABEL } from '../naming/container-names';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceRecord } from '../ports/services';
import type { ServicePlugin } from './catalog';
import type { RestoreReport, ServiceHandle } from './descriptor';
import { randomSecret } from './names';

/** On a throw-away verification container and its volume: `<plugin>/<service>` it verifies a backup of. */
export const SCRATCH_LABEL = 'berth.verify.service';

/** `berth-verify-<plugin>-<service>-<random>`: never a service's name (those start `berth-svc-`). */
export const scratchNameOf = (plugin: string, service: string): string => `berth-verify-${plugin}-${service}-${crypto.randomBytes(3).toString('hex')}`;

export interface ScratchResult {
  readonly report: RestoreReport;
  /** What the plugin's own check found wrong (empty: nothing). */
  readonly problems: string[];
}

const TAIL = 4096;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Passes a stream through, keeping its last TAIL bytes for the plugin's check (a truncated dump lacks its end). */
function tailKeeper(): { stream: Transform; tail: () => Buffer } {
  let kept = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      kept = Buffer.concat([kept, chunk]);
      if (kept.length > TAIL) kept = kept.subarray(kept.length - TAIL);
      done(null, chunk);
    },
  });
  return { stream, tail: () => kept };
}

/**
 * Restores a dump into a throw-away container of the service's plugin and image, then runs the
 * plugin's measurement (`verifyRestore`) and own check (`checkRestore`). The container has no
 * network but its loopback (no app network, not berth's, no host port) and fresh credentials; it
 * and its volume are removed afterwards whatever happens. Throws when the restore itself fails.
 */
export async function verifyInScratch(
  deps: { engine: ServiceEngine; scope: string; readyTimeoutSeconds: number },
  o: { plugin: ServicePlugin; service: ServiceRecord; input: NodeJS.ReadableStream },
): Promise<ScratchResult> {
  const { descriptor } = o.plugin;
  if (!descriptor.import) throw new BerthError('SERVICE_UNSUPPORTED', `The ${o.plugin.id} plugin cannot import: its backups cannot be verified.`);
  const name = scratchNameOf(o.plugin.id, o.service.name);
  const volume = `${name}-data`;
  const labels = { [SCRATCH_LABEL]: `${o.plugin.id}/${o.service.name}`, [LABEL.scope]: deps.scope };
  const credentials = { ...o.service.credentials, password: randomSecret() };
  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + deps.readyTimeoutSeconds * 1000;
    let last = 'it did not start';
    while (Date.now() < deadline) {
      const info = await deps.engine.inspect(name, 'none');
      if (!info) throw new BerthError('SERVICE_NOT_READY', `the verification container ${name} is gone.`);
      if (info.state === 'exited' || info.state === 'dead') {
        const tail = (await deps.engine.logs(name, 15).catch(() => '')).trim();
        throw new BerthError('SERVICE_NOT_READY', `the verification container stopped while starting${tail ? `; its last log lines:\n${tail}` : ''}`);
      }
      if (info.state === 'running') {
        if (!descriptor.readyCommand) return;
        const r = await deps.engine.exec({ container: name, command: descriptor.readyCommand(credentials) });
        if (r.exitCode === 0) return;
        last = `its ready check fails (${(r.stderr || r.output).trim().split('\n').pop() ?? `exit ${r.exitCode}`})`;
      }
      await sleep(300);
    }
    throw new BerthError('SERVICE_NOT_READY', `the verification container was not ready after ${deps.readyTimeoutSeconds}s: ${last}.`);
  };
  const handle: ServiceHandle = {
    plugin: o.plugin.id, name: o.service.name, container: name, credentials,
    exec: (command, options = {}) => deps.engine.exec({ container: name, command, ...options }),
    restart: async () => { await deps.engine.restart(name, 20); await waitReady(); },
  };
  // Taken at once, before the container starts: a dump that fails early (a short file) must still end the import's input.
  const kept = tailKeeper();
  kept.stream.on('error', () => undefined); // the caller learns it from its reading of the backup
  o.input.pipe(kept.stream);
  o.input.once('error', (e) => kept.stream.destroy(e));
  o.input.once('close', () => { if (!kept.stream.writableEnded) kept.stream.destroy(new Error('the dump ended early')); });
  try {
    await deps.engine.ensureVolume(volume, labels);
    await deps.engine.runService({
      name, image: o.service.image, env: descriptor.containerEnv(credentials), labels,
      network: 'none', volume: { name: volume, target: descriptor.dataDir }, isolated: true,
    });
    await waitReady();
    if (kept.stream.destroyed) throw new Error('the dump could not be read to the end');
    await descriptor.import(handle, kept.stream);
    const report = (await descriptor.verifyRestore?.(handle)) ?? {};
    const problems = (await descriptor.checkRestore?.(handle, { report, dumpTail: kept.tail() })) ?? [];
    return { report, problems };
  } finally {
    await deps.engine.remove(name).catch(() => undefined);
    await deps.engine.removeVolume(volume).catch(() => undefined);
  }
}
