import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Docker from 'dockerode';
import { BerthError } from '../../errors';
import type { ImageRegistry } from '../../ports/swarm';
import { toBerthError } from '../docker/docker-errors';
import { registryConfig } from './registry-config';

export interface RegistryOptions {
  /** `$BERTH_HOME/registry`: config.yml, registry.pid, registry.log and data/. */
  readonly dir: string;
  /** Address it listens on and nodes pull from (BERTH_REGISTRY_ADDR). */
  readonly addr: string;
  readonly port: number;
  readonly socketPath: string;
  /** Default `docker-registry` (Debian's package). */
  readonly bin?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function answers(addr: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: addr, port, path: '/v2/', timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * berth's own registry: Debian's docker-registry, started detached (it outlives a berth restart; its
 * pid is in registry.pid) with its own config and storage under `$BERTH_HOME/registry`.
 * Images are tagged `<addr>:<port>/berth/<app>:vN` and pushed with the engine's API.
 */
export function createImageRegistry(o: RegistryOptions): ImageRegistry {
  const docker = new Docker({ socketPath: o.socketPath });
  const host = `${o.addr}:${o.port}`;
  let starting: Promise<string> | null = null;

  async function start(): Promise<string> {
    if (await answers(o.addr, o.port)) return host;
    fs.mkdirSync(path.join(o.dir, 'data'), { recursive: true });
    const configFile = path.join(o.dir, 'config.yml');
    fs.writeFileSync(configFile, registryConfig({ addr: o.addr, port: o.port, storageDir: path.join(o.dir, 'data') }));
    const logFd = fs.openSync(path.join(o.dir, 'registry.log'), 'a');
    const child = spawn(o.bin ?? 'docker-registry', ['serve', configFile], { detached: true, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    let failed: Error | null = null;
    child.on('error', (e) => { failed = e; });
    child.unref();
    if (child.pid) fs.writeFileSync(path.join(o.dir, 'registry.pid'), String(child.pid));
    for (let i = 0; i < 100 && !failed && child.exitCode === null; i++) {
      if (await answers(o.addr, o.port)) return host;
      await sleep(100);
    }
    const tail = fs.existsSync(path.join(o.dir, 'registry.log')) ? fs.readFileSync(path.join(o.dir, 'registry.log'), 'utf8').slice(-500) : '';
    throw new BerthError('REGISTRY_UNAVAILABLE', `berth's registry did not start on ${host}: ${(failed as Error | null)?.message ?? tail.trim() ?? 'no answer'}`);
  }

  return {
    ensureRunning() {
      starting ??= start().finally(() => { starting = null; });
      return starting;
    },

    async push(image, log) {
      const at = await this.ensureRunning();
      const [repoPart, tag] = splitTag(image);
      const repo = `${at}/${repoPart}`;
      try {
        await docker.getImage(image).tag({ repo, tag });
        log(`-----> Pushing ${repo}:${tag} to berth's registry`);
        const stream = (await docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: at } } as never)) as unknown as NodeJS.ReadableStream;
        await new Promise<void>((resolve, reject) => {
          docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
            const bad = events?.find((e) => e.error);
            if (err || bad) reject(err ?? new Error(bad!.error));
            else resolve();
          });
        });
      } catch (e) {
        throw toBerthError(e, 'REGISTRY_UNAVAILABLE', `pushing ${image} to ${at}`);
      }
      return `${repo}:${tag}`;
    },

    async stop() {
      const pidFile = path.join(o.dir, 'registry.pid');
      if (!fs.existsSync(pidFile)) return;
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/** `berth/app:v3` → [`berth/app`, `v3`]; a name without a tag is `latest`. */
function splitTag(image: string): [string, string] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, 'latest'];
}
