import path from 'node:path';

/**
 * Where everything of berth's own nginx master lives inside `dir`. The generated config uses
 * paths relative to the prefix (`nginx -p dir`), so `dir` never has to be quoted inside it.
 */
export interface NginxPaths {
  readonly dir: string;
  readonly conf: string;
  readonly appsDir: string;
  /** berth's own address (`own/berth.conf`), included before the apps. */
  readonly ownDir: string;
  readonly pagesDir: string;
  readonly logsDir: string;
  readonly tmpDir: string;
  readonly pidFile: string;
  readonly lockFile: string;
  /** Certificates and keys (mode 0600; only the master, which runs as root, reads them). */
  readonly tlsDir: string;
  /** Webroot for ACME HTTP-01: `acme/.well-known/acme-challenge/<token>`. */
  readonly challengeDir: string;
  /** Temp dirs nginx would otherwise create under /var/lib/nginx. */
  readonly tempDirs: readonly string[];
  appConf(app: string): string;
  /** Relative to the prefix, as the config names them. */
  appCert(app: string): { readonly cert: string; readonly key: string };
}

export const TEMP_DIR_NAMES = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

export function nginxPaths(dir: string): NginxPaths {
  const root = path.resolve(dir);
  const appsDir = path.join(root, 'apps');
  const tmpDir = path.join(root, 'tmp');
  return {
    dir: root,
    conf: path.join(root, 'nginx.conf'),
    appsDir,
    ownDir: path.join(root, 'own'),
    pagesDir: path.join(root, 'pages'),
    logsDir: path.join(root, 'logs'),
    tmpDir,
    pidFile: path.join(root, 'nginx.pid'),
    lockFile: path.join(root, '.berth-router.lock'),
    tlsDir: path.join(root, 'tls'),
    challengeDir: path.join(root, 'acme', '.well-known', 'acme-challenge'),
    tempDirs: TEMP_DIR_NAMES.map((n) => path.join(tmpDir, n)),
    appConf: (app) => path.join(appsDir, `${app}.conf`),
    appCert: (app) => ({ cert: `tls/${app}.crt`, key: `tls/${app}.key` }),
  };
}

/** The argument pair every nginx invocation needs so it reads our config, not Debian's. */
export function prefixArgs(paths: NginxPaths): string[] {
  return ['-p', `${paths.dir}/`, '-c', paths.conf];
}
