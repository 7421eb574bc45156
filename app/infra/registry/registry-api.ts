import type http from 'node:http';
import https from 'node:https';
import { BerthError } from '../../errors';

const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
// What `docker push` of a local image stores; the others only in case an image came with them.
const ACCEPT = [MANIFEST_V2, 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');

/** Any failed or unexpected answer of the registry's API. */
const unexpected = (what: string, cause?: unknown): BerthError => new BerthError('REGISTRY_UNAVAILABLE', `berth's registry: ${what}`, cause ? { cause } : undefined);

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** How berth reaches its registry: HTTPS checked against berth's CA, as the user `berth`. */
export interface RegistryAccess { readonly addr: string; readonly port: number; readonly ca: string; readonly username: string; readonly password: string }

export function call(a: RegistryAccess, o: { method: string; path: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<Answer> {
  const authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: a.addr, port: a.port, method: o.method, path: o.path, headers: { ...o.headers, authorization }, timeout: o.timeoutMs ?? 10_000,
      ca: a.ca,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(unexpected(`${o.method} ${o.path}: ${e.message}`, e)));
    req.end();
  });
}

/** The distribution HTTP API (v2) of berth's registry: tags, manifest digests, manifest deletes. */
export class RegistryApi {
  constructor(private readonly access: () => RegistryAccess) {}

  async tags(repo: string): Promise<string[]> {
    const res = await call(this.access(), { method: 'GET', path: `/v2/${repo}/tags/list` });
    if (res.status === 404) return [];
    if (res.status !== 200) throw unexpected(`GET /v2/${repo}/tags/list answered ${res.status}`);
    return (JSON.parse(res.body) as { tags?: string[] | null }).tags ?? [];
  }

  /** The manifest digest a tag points at (Docker-Content-Digest); null when the tag is gone. */
  async digestOf(repo: string, tag: string): Promise<string | null> {
    const res = await call(this.access(), { method: 'HEAD', path: `/v2/${repo}/manifests/${encodeURIComponent(tag)}`, headers: { Accept: ACCEPT } });
    if (res.status === 404) return null;
    const digest = res.headers['docker-content-digest'];
    if (res.status !== 200 || typeof digest !== 'string') throw unexpected(`HEAD /v2/${repo}/manifests/${tag} answered ${res.status}`);
    return digest;
  }

  /** Deletes a manifest and every tag pointing at it; false when it was already gone. */
  async deleteManifest(repo: string, digest: string): Promise<boolean> {
    const res = await call(this.access(), { method: 'DELETE', path: `/v2/${repo}/manifests/${digest}` });
    if (res.status === 404) return false;
    if (res.status !== 202) throw unexpected(`DELETE /v2/${repo}/manifests/${digest} answered ${res.status}: ${res.body.slice(0, 200)}`);
    return true;
  }
}
