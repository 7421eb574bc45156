/** The config file of Debian's docker-registry (distribution 2.x), as berth runs it. */
export function registryConfig(o: { addr: string; port: number; storageDir: string; htpasswdFile: string; certFile: string; keyFile: string }): string {
  // Deletes on, so pruned release images can go. TLS with berth's CA and one htpasswd user (berth):
  // registry-secrets.ts. No `storage.cache` on purpose: after garbage-collect a cached blob
  // descriptor would tell a later push that a deleted layer still exists, and the push would skip
  // uploading it.
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(o.storageDir)}`,
    '  delete:',
    '    enabled: true',
    'auth:',
    '  htpasswd:',
    '    realm: berth-registry',
    `    path: ${JSON.stringify(o.htpasswdFile)}`,
    'http:',
    `  addr: ${JSON.stringify(`${o.addr}:${o.port}`)}`,
    '  tls:',
    `    certificate: ${JSON.stringify(o.certFile)}`,
    `    key: ${JSON.stringify(o.keyFile)}`,
    '',
  ].join('\n');
}
