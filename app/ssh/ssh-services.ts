import type { GitAccess } from '../builds';
import type { GitStreamRequest } from '../ports/git-repos';
import type { UserRecord } from '../ports/store';
import type { EventSource } from '../events';

/**
 * What the SSH transport may use, filled by app/boot (ssh-boot.ts): the push gate, the per-command
 * tokens and the audit source. No store, engine, repos or Redis: a command reaches berth only
 * through these, or as a CLI verb through the API with its own token.
 */
export interface SshServices {
  readonly pushGate: {
    serveStream(access: GitAccess, request: Omit<GitStreamRequest, 'app' | 'user' | 'service'>): Promise<number>;
  };
  readonly access: {
    startSshSession(user: UserRecord, name: string): string;
    endSshSession(user: UserRecord, name: string, token: string): void;
  };
  readonly events: { withSource<T>(source: EventSource, fn: () => T): T };
  /** The local API the in-process CLI talks to (`http://127.0.0.1:<BERTH_PORT>`). */
  readonly apiUrl: string;
}
