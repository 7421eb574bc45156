import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { berthRegistry } from '../support/berth-registry';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

/**
 * berth's swarm registry served every app's release image (code, baked-in build args) to whoever
 * reached its address, and took pushes over any tag. Run by test/integration/swarm.test.ts once
 * `app` has v1 in the registry (a swarm deploy is needed, so it is not in the tenant suite).
 */
export async function registryRefusesStrangers(o: { home: string; addr: string; port: number; app: string }): Promise<void> {
  const registry = berthRegistry(o.home, o.addr, o.port);
  const { app } = o;
  const tagsOf = async () => JSON.parse((await registry.request(`/v2/berth/${app}/tags/list`)).body).tags as string[];
  // Over TLS whose CA this host's engine trusts, checked by the test's own client against berth's CA.
  assert.equal(fs.readFileSync(`/etc/docker/certs.d/${o.addr}:${o.port}/ca.crt`, 'utf8'), fs.readFileSync(path.join(o.home, 'registry', 'auth', 'ca.crt'), 'utf8'));
  const anonymous = await registry.request(`/v2/berth/${app}/tags/list`, { anonymous: true });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.body, /"code":"UNAUTHORIZED"/);
  const wrong = await registry.request('/v2/', { anonymous: true, headers: { authorization: `Basic ${Buffer.from('berth:guess').toString('base64')}` } });
  assert.equal(wrong.status, 401);
  // Plain HTTP gets no registry at all.
  const plain = await fetch(`http://${o.addr}:${o.port}/v2/berth/${app}/tags/list`);
  assert.equal(plain.status, 400);
  assert.doesNotMatch(await plain.text(), /v1/);
  // Pushing by the API without the login: no upload starts, no manifest is written.
  assert.equal((await registry.request(`/v2/berth/${app}/blobs/uploads/`, { method: 'POST', anonymous: true })).status, 401);
  assert.equal((await registry.request(`/v2/berth/${app}/manifests/evil`, { method: 'PUT', anonymous: true, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' } })).status, 401);
  // The engine without berth's login (docker pull/push from this host's CLI, which has none) fails too.
  const ref = `${o.addr}:${o.port}/berth/${app}`;
  assert.notEqual(docker('pull', `${ref}:v1`).status, 0);
  assert.equal(docker('tag', 'berth/busybox:latest', `${ref}:evil`).status, 0);
  try {
    assert.notEqual(docker('push', `${ref}:evil`).status, 0);
  } finally {
    docker('rmi', `${ref}:evil`);
  }
  assert.deepEqual(await tagsOf(), ['v1']);
}
