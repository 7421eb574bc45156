import { appPath } from './api-client';
import type { BuildRecord, BuildResponse, QueuedBuild } from './api-types';
import { CliError } from './cli-error';
import type { VerbContext } from './types';

const STATUS_LINE = /^@@berth-status (\S+)\s*$/;

/**
 * Prints a build's log as it is written, until the build ends; throws unless it succeeded.
 * `id` is a build id or `latest`.
 */
export async function followBuildLog(ctx: VerbContext, app: string, id: number | 'latest'): Promise<void> {
  const api = ctx.api();
  const ended: { status?: string } = {};
  await api.lines(appPath(app, `/builds/${id}/log?follow=1`), (line) => {
    const m = STATUS_LINE.exec(line);
    if (m) ended.status = m[1];
    else ctx.out.line(line);
  });
  if (ended.status === 'succeeded') return;
  if (ended.status === undefined) {
    throw new CliError('LOG_INTERRUPTED', `the log stream of build ${id} ended before the build did; the build goes on: \`berth builds:info ${app} ${id}\``);
  }
  let reason = '';
  try {
    const { build } = await api.get<BuildResponse>(appPath(app, `/builds/${id}`));
    if (build.error) reason = `: ${build.error}`;
  } catch { /* the status alone still says what happened */ }
  throw new CliError(ended.status === 'cancelled' ? 'BUILD_CANCELLED' : 'BUILD_FAILED', `build ${id} ${ended.status}${reason}`);
}

/** After a verb queued a build: say so, then follow it (in --json mode, print the response instead). */
export async function followQueued(ctx: VerbContext, app: string, queued: QueuedBuild, response: unknown = queued): Promise<void> {
  if (ctx.json) { ctx.out.json(response); return; }
  const { build, ahead } = queued;
  const wait = ahead ? ` (${ahead} build${ahead === 1 ? '' : 's'} ahead of it)` : '';
  ctx.out.line(`-----> Build ${build.id} queued${wait}; following its log (Ctrl-C stops watching, not the build)`);
  await followBuildLog(ctx, app, build.id);
}
