import { BerthError } from '../errors';
import type { ContainerEngine } from '../ports/container-engine';
import type { RegistryLogin, Store } from '../ports/store';
import type { EventsService } from '../events';
import { isOwnAddress } from './own-address';

const SERVER = /^(?=.{1,253}(:|$))[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/;

/**
 * The registry an image reference names, as docker reads it: a first path part with a dot, a
 * colon, or `localhost` is a registry host; anything else is Docker Hub (`docker.io`).
 */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0];
  if (ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first.toLowerCase();
  return 'docker.io';
}

/** `registry:login` credentials (berth-wide, admin only) and pulls that use them. */
export class RegistryLogins {
  constructor(private readonly deps: { store: Pick<Store, 'registryLogins'>; engine: ContainerEngine; events: EventsService }) {}

  list(): Array<Omit<RegistryLogin, 'password'>> {
    return this.deps.store.registryLogins.list();
  }

  login(input: { server: unknown; username: unknown; password: unknown }, user: string | null): Omit<RegistryLogin, 'password'> {
    const { server, username, password } = input;
    if (typeof server !== 'string' || !SERVER.test(server)) throw new BerthError('INVALID_REGISTRY_LOGIN', `"${String(server).slice(0, 80)}" is not a registry server: give host[:port] (lowercase), e.g. registry.example.com:5000.`);
    if (typeof username !== 'string' || !/^[^\s:]{1,200}$/.test(username)) throw new BerthError('INVALID_REGISTRY_LOGIN', 'The user name must be 1–200 characters without spaces or colons.');
    if (typeof password !== 'string' || password.length === 0 || password.length > 4096) throw new BerthError('INVALID_REGISTRY_LOGIN', 'Give the password on stdin (one line, not empty).');
    this.deps.store.registryLogins.set({ server, username, password });
    this.deps.events.record({ app: null, kind: 'config.changed', message: `registry:login ${server} as ${username}`, user });
    return { server, username };
  }

  logout(server: string, user: string | null): void {
    if (!this.deps.store.registryLogins.remove(server)) throw new BerthError('INVALID_REGISTRY_LOGIN', `berth has no login for ${server}; \`berth registry:report\` lists them.`);
    this.deps.events.record({ app: null, kind: 'config.changed', message: `registry:logout ${server}`, user });
  }

  /** Whether berth holds credentials for the registry an image comes from. */
  hasLoginFor(ref: string): boolean {
    return this.deps.store.registryLogins.get(registryOf(ref)) !== null;
  }

  /**
   * A registry an admin logged into is vetted; any other on this host's own addresses is refused
   * (INVALID_IMAGE) before dockerd or BuildKit connects there and hands back what answered.
   */
  async checkServer(ref: string): Promise<void> {
    const server = registryOf(ref);
    if (server === 'docker.io' || this.deps.store.registryLogins.get(server)) return;
    if (await isOwnAddress(server)) {
      throw new BerthError('INVALID_IMAGE', `berth does not pull from ${server}: it is this host's own address (loopback or link-local). An admin can allow a registry there with \`berth registry:login ${server} <user>\`.`);
    }
  }

  /** Pulls through the engine with the image's registry login, if any; progress goes to `log`. */
  async pull(ref: string, log: (line: string) => void): Promise<void> {
    await this.checkServer(ref);
    const server = registryOf(ref);
    const login = this.deps.store.registryLogins.get(server);
    log(`-----> Pulling ${ref}${login ? ` (as ${login.username} on ${login.server})` : ''}`);
    await this.deps.engine.pullImage({ ref, auth: login, onProgress: (l) => log(`       ${l}`) });
  }
}
