import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { UserRecord, UsersStore } from '../ports/store';
import type { AccessStore } from '../ports/access';
import { NO_DEPLOY_USE, assertDeployUse, parseDeployScope, type TokenUse } from './deploy-scope';

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** Users and their API tokens. Tokens are shown once and stored only as SHA-256 hashes. */
export class UsersService {
  constructor(private readonly store: UsersStore, private readonly access: AccessStore) {}

  /** Creates the admin user if missing and issues a fresh token for it. */
  bootstrapAdmin(label: string): { user: UserRecord; token: string } {
    const user = this.store.ensureUser('admin', 'admin');
    return { user, token: this.issueToken(user, label) };
  }

  issueToken(user: UserRecord, label: string): string {
    const token = `berth_${crypto.randomBytes(24).toString('base64url')}`;
    this.store.addToken(user.id, hashToken(token), label);
    return token;
  }

  /**
   * The user of an API token; a deploy token only for the `use` it was made for (its app and action),
   * else FORBIDDEN. Other scoped tokens (metrics) are no API tokens.
   */
  authenticate(token: string | undefined | null, use: TokenUse = NO_DEPLOY_USE): UserRecord {
    if (!token) throw new BerthError('UNAUTHENTICATED', 'No API token was sent: use `Authorization: Bearer <token>` (`berth login` stores one).');
    const nowIso = new Date().toISOString();
    const hash = hashToken(token);
    let user = token.length > 200 ? null : this.access.userOfToken(hash, nowIso);
    if (!user && token.length <= 200) {
      const scoped = this.access.scopedTokenOf(hash, nowIso);
      const deploy = scoped ? parseDeployScope(scoped.scope) : null;
      if (scoped && deploy) {
        assertDeployUse(deploy, use);
        user = scoped.user;
      }
    }
    if (!user) throw new BerthError('UNAUTHENTICATED', 'The API token is not valid, has expired or was revoked: log in again with `berth login --token <token>`.');
    return user;
  }

  /** GET /metrics: an admin's API token, or a metrics token of a user who is still an admin. */
  authorizeMetrics(token: string | undefined | null): void {
    if (!token) throw new BerthError('UNAUTHENTICATED', 'No token was sent: scrape with `Authorization: Bearer <token>` (`berth tokens:create prometheus --scope metrics`).');
    const hash = hashToken(token);
    const nowIso = new Date().toISOString();
    const user = token.length > 200 ? null : this.access.userOfScopedToken(hash, 'metrics', nowIso) ?? this.access.userOfToken(hash, nowIso);
    if (!user) throw new BerthError('UNAUTHENTICATED', 'The token is not valid, has expired or was revoked.');
    if (user.role !== 'admin') throw new BerthError('FORBIDDEN', `/metrics shows every app: ${user.name} is not an admin; use an admin's token or a metrics token.`);
  }
}
