import path from 'node:path';
import { startSshServer } from '../infra/ssh';
import type { UserRecord } from '../ports/store';
import { sshCommandHandler, type SshServices } from '../ssh';
import type { Berth } from './create-berth';

/** The SSH transport's services (app/ssh/ssh-services.ts), filled from the composition root. */
export function sshServicesOf(berth: Berth): SshServices {
  const host = ['0.0.0.0', '::', ''].includes(berth.config.host) ? '127.0.0.1' : berth.config.host;
  return {
    pushGate: berth.pushGate, access: berth.access, events: berth.events,
    apiUrl: `http://${host.includes(':') ? `[${host}]` : host}:${berth.config.port}`,
  };
}

/**
 * The SSH transport (BERTH_SSH_PORT): `git push ssh://berth@host:<port>/<app>` and dokku-style
 * commands (`ssh -p <port> berth@host apps:list`), for users whose public key is registered.
 */
export async function startSsh(berth: Berth, log: (line: string) => void): Promise<{ port: number; close(): Promise<void> } | null> {
  if (berth.config.sshPort === 0) return null;
  const server = await startSshServer<UserRecord>({
    port: berth.config.sshPort, host: berth.config.sshHost, authTimeoutSeconds: berth.config.sshAuthTimeoutSeconds, hostKeyFile: path.join(berth.config.home, 'ssh_host_ed25519_key'),
    userOfKey: (fingerprint) => berth.access.userOfSshKey(fingerprint),
    log,
    exec: sshCommandHandler(sshServicesOf(berth)),
  });
  log(`ssh listening on ${berth.config.sshHost}:${server.port}`);
  return server;
}

/** As startSsh, but a port in use only turns SSH off (with a loud line): the web and git over HTTP stay up. */
export async function startSshOrWarn(berth: Berth, log: (line: string) => void): Promise<{ port: number; close(): Promise<void> } | null> {
  try {
    return await startSsh(berth, log);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log(`ssh: port ${berth.config.sshPort} is in use; the SSH transport is OFF (set BERTH_SSH_PORT to a free port, or 0)`);
    return null;
  }
}
