import { BerthError } from '../errors';
import type { UserRecord } from '../ports/store';

/**
 * What a request wants to do: `read` or `write` an app (or, with no app, berth-wide things),
 * `admin` for berth-wide changes and user management, `self` for a user's own tokens and keys.
 */
export type Action = 'read' | 'write' | 'admin' | 'self';

export const ROLES = ['admin', 'developer', 'viewer'] as const;
export type Role = UserRecord['role'];

/**
 * The one authorization rule. Admins may do everything; viewers may read everything and change
 * nothing; developers may read and change the apps they collaborate on, and read berth-wide lists.
 */
export function can(
  user: Pick<UserRecord, 'role'>, action: Action, app: string | null, isCollaborator: (app: string) => boolean,
): boolean {
  if (user.role === 'admin' || action === 'self') return true;
  if (action === 'admin') return false;
  if (user.role === 'viewer') return action === 'read';
  if (user.role === 'developer') return app === null ? action === 'read' : isCollaborator(app);
  return false;
}

export function forbidden(user: Pick<UserRecord, 'name' | 'role'>, action: Action, app: string | null): BerthError {
  const what = app ? `${action === 'read' ? 'read' : 'change'} app "${app}"` : action === 'read' ? 'read this' : 'change berth-wide settings';
  const why = user.role === 'viewer' ? 'viewers can only read'
    : user.role === 'developer' && app ? `ask an admin to run \`berth apps:collaborators:add ${app} ${user.name}\``
      : 'only admins can';
  return new BerthError('FORBIDDEN', `User "${user.name}" (${user.role}) may not ${what}: ${why}.`);
}
