import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dockerOf, type DockerAccess } from '../docker/docker-client';
import { BerthError } from '../../errors';
import type { LockService } from '../../ports/lock';
import type { ImageRegistry } from '../../ports/swarm';
import { toBerthError } from '../docker/docker-errors';
import { call, RegistryApi, type RegistryAccess } from './registry-api';
import { registryConfig } from './registry-config';
import { ensureRegistrySecrets, untrust, type RegistrySecrets } from './registry-secrets';

interface RegistrySettings {
  /** `$BERTH_HOME/registry`: config.yml, registry.pid, registry.log and data/. */
  readonly dir: string;
  /** Address it listens on and nodes pull from (BERTH_REGISTRY_ADDR). */
  readonly addr: string;
  readonly port: number;
  /** Default `docker-registry` (Debian's package). */
  readonly bin?: string;
  /** Shared by every berth process: pushes and garbage collection take turns under it. */
  readonly lock: LockService;
  /** Where this host's engine looks for registry CAs; default /etc/docker/certs.d (null: none written). */
  readonly trustDir?: string | null;
}

/** The process's one dockerode client (`docker`) or the engine's socket (`socketPath`). */
export type RegistryOptions = RegistrySettings & DockerAccess;

/** The lock pushes and garbage collection share (see `collectGarbage`). */
const LOCK = 'registry';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The registry answers berth's login over TLS checked against berth's CA. */
function answers(a: RegistryAccess): Promise<boolean> {
  return call(a, { method: 'GET', path: '/v2/', timeoutMs: 2000 }).then((r) => r.status === 200, () => false);
}

/** A registry berth started earlier (registry.pid) that is still running: a docker-registry process. */
function recordedPid(dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'registry.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('registry') ? pid : null;
  } catch {
    return null;
  }
}

/**
 * berth's own registry: Debian's docker-registry, started detached (it outlives a berth restart; its
 * pid is in registry.pid) with its own config and storage under `$BERTH_HOME/registry`.
 * Images are tagged `<addr>:<port>/berth/<app>:vN` and pushed with the engine's API.
 */
export function createImageRegistry(o: RegistryOptions): ImageRegistry {
  const docker = dockerOf(o);
  const host = `${o.addr}:${o.port}`;
  let starting: Promise<string> | null = null;
  const configFile = path.join(o.dir, 'config.yml');
  const trustDir = o.trustDir === undefined ? '/etc/docker/certs.d' : o.trustDir;
  let secrets: RegistrySecrets | null = null;
  const access = (): RegistryAccess => {
    secrets ??= ensureRegistrySecrets({ dir: o.dir, addr: o.addr, port: o.port, trustDir });
    return { addr: o.addr, port: o.port, ca: secrets.ca, username: secrets.username, password: secrets.password };
  };
  const api = new RegistryApi(access);

  async function start(): Promise<string> {
    if (await answers(access())) return host;
    fs.mkdirSync(path.join(o.dir, 'data'), { recursive: true });
    // One started by an older berth, without TLS and login, holds the port: it goes first.
    const old = recordedPid(o.dir);
    if (old !== null) {
      try { process.kill(old, 'SIGTERM'); } catch { /* gone meanwhile */ }
      for (let i = 0; i < 50 && fs.existsSync(`/proc/${old}`); i++) await sleep(100);
    }
    const s = secrets!;
    fs.writeFileSync(configFile, registryConfig({ addr: o.addr, port: o.port, storageDir: path.join(o.dir, 'data'), htpasswdFile: s.htpasswdFile, certFile: s.certFile, keyFile: s.keyFile }));
    const logFd = fs.openSync(path.join(o.dir, 'registry.log'), 'a');
    const child = spawn(o.bin ?? 'docker-registry', ['serve', configFile], { detached: true, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    let failed: Error | null = null;
    child.on('error', (e) => { failed = e; });
    child.unref();
    if (child.pid) fs.writeFileSync(path.join(o.dir, 'registry.pid'), String(child.pid));
    for (let i = 0; i < 100 && !failed && child.exitCode === null; i++) {
      if (await answers(access())) return host;
      await sleep(100);
    }
    const tail = fs.existsSync(path.join(o.dir, 'registry.log')) ? fs.readFileSync(path.join(o.dir, 'registry.log'), 'utf8').slice(-500) : '';
    throw new BerthError('REGISTRY_UNAVAILABLE', `berth's registry did not start on ${host}: ${(failed as Error | null)?.message ?? tail.trim() ?? 'no answer'}`);
  }

  /**
   * `docker-registry garbage-collect` deletes blobs no manifest references. It is unsafe next to a
   * push: a layer uploaded before its manifest is referenced by nothing yet and would go. So it
   * runs under the same cross-process lock as every push (Redis: the web process destroys apps,
   * the worker deploys them). Stopping the registry around it would also fail pulls of nodes
   * starting tasks meanwhile; a read-only restart would fail the pushes instead of queueing them.
   */
  async function collectGarbage(): Promise<void> {
    const release = await o.lock.acquire(LOCK);
    try {
      const out = await new Promise<string>((resolve, reject) => {
        execFile(o.bin ?? 'docker-registry', ['garbage-collect', configFile], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          if (err) reject(new BerthError('REGISTRY_UNAVAILABLE', `garbage-collect failed: ${(stderr || err.message).trim().slice(-300)}`));
          else resolve(stdout);
        });
      });
      fs.appendFileSync(path.join(o.dir, 'registry.log'), `garbage-collect ${new Date().toISOString()}: ${out.split('\n').filter((l) => /eligible for deletion/i.test(l)).length} blobs deleted\n`);
    } finally {
      await release();
    }
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
      const release = await o.lock.acquire(LOCK);
      try {
        await docker.getImage(image).tag({ repo, tag });
        log(`-----> Pushing ${repo}:${tag} to berth's registry`);
        const a = access();
        const stream = (await docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: at, username: a.username, password: a.password } } as never)) as unknown as NodeJS.ReadableStream;
        await new Promise<void>((resolve, reject) => {
          docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
            const bad = events?.find((e) => e.error);
            if (err || bad) reject(err ?? new Error(bad!.error));
            else resolve();
          });
        });
      } catch (e) {
        throw toBerthError(e, 'REGISTRY_UNAVAILABLE', `pushing ${image} to ${at}`);
      } finally {
        await release();
      }
      return `${repo}:${tag}`;
    },

    async prune(repo, keep) {
      if (!fs.existsSync(configFile) || !(await answers(access()))) return [];
      const tags = await api.tags(repo);
      const doomed = tags.filter((t) => !keep.includes(t));
      if (doomed.length === 0) return [];
      // A delete by digest takes every tag of that manifest: a rollback's tag shares its source's.
      const kept = new Set(await Promise.all(tags.filter((t) => keep.includes(t)).map((t) => api.digestOf(repo, t))));
      const deleted: string[] = [];
      for (const tag of doomed) {
        const digest = await api.digestOf(repo, tag);
        if (digest === null) { deleted.push(tag); continue; } // went with an earlier tag's manifest
        if (kept.has(digest)) continue;
        await api.deleteManifest(repo, digest);
        deleted.push(tag);
      }
      if (deleted.length > 0) await collectGarbage();
      return deleted;
    },

    async stop() {
      const pidFile = path.join(o.dir, 'registry.pid');
      if (!fs.existsSync(pidFile)) return;
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      fs.rmSync(pidFile, { force: true });
      untrust(trustDir, host);
    },

    caFile: path.join(o.dir, 'auth', 'ca.crt'),

    authFor(image) {
      if (!image.startsWith(`${host}/`) || !fs.existsSync(configFile)) return null;
      const a = access();
      return { serveraddress: host, username: a.username, password: a.password };
    },
  };
}

/** `berth/app:v3` → [`berth/app`, `v3`]; a name without a tag is `latest`. */
function splitTag(image: string): [string, string] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, 'latest'];
}
