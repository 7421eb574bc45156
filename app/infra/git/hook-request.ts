import path from 'node:path';
import { BerthError } from '../../errors';
import type { PushedRef } from '../../ports/git-repos';
import { isSha, isZeroSha } from './hook-protocol';
import { isAppName } from './repo-paths';

export interface ReadHookRequestOptions {
  /** When given, a snapshot path outside this folder is refused. */
  readonly snapshotsDir?: string;
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') {
    throw new BerthError('INVALID_INPUT', `The hook request's "${name}" must be a string.`);
  }
  return value;
}

/** Validates the JSON the pre-receive hook posts (berth's web side calls this). */
export function readHookRequest(body: unknown, options: ReadHookRequestOptions = {}): PushedRef & { user: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BerthError('INVALID_INPUT', 'The hook request must be a JSON object.');
  }
  const record = body as Record<string, unknown>;
  const app = field(record, 'app');
  const ref = field(record, 'ref');
  const oldSha = field(record, 'oldSha');
  const newSha = field(record, 'newSha');
  const snapshotPath = field(record, 'snapshotPath');
  const user = field(record, 'user');

  if (!isAppName(app)) throw new BerthError('INVALID_INPUT', `The hook request's app "${app}" is not an app name.`);
  if (!/^refs\/\S+$/.test(ref)) throw new BerthError('INVALID_INPUT', `The hook request's ref "${ref}" is not a full ref name.`);
  if (!isSha(oldSha)) throw new BerthError('INVALID_INPUT', 'The hook request\'s "oldSha" is not a commit id.');
  if (!isSha(newSha)) throw new BerthError('INVALID_INPUT', 'The hook request\'s "newSha" is not a commit id.');
  if (isZeroSha(newSha) ? snapshotPath !== '' : !path.isAbsolute(snapshotPath)) {
    throw new BerthError('INVALID_INPUT', 'The hook request\'s "snapshotPath" must be an absolute path, or empty for a deleted ref.');
  }
  if (options.snapshotsDir !== undefined && snapshotPath !== '') {
    const relative = path.relative(path.resolve(options.snapshotsDir), path.resolve(snapshotPath));
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new BerthError('INVALID_INPUT', 'The hook request\'s "snapshotPath" is outside the snapshots folder.');
    }
  }
  return { app, ref, oldSha, newSha, snapshotPath, user };
}
