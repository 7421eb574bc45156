import { appPath } from '../api-client';
import type { AppDiskResponse, CleanupResponse, DiskStateResponse } from '../api-types';
import { bytes, keyValues, table } from '../output';
import type { VerbGroup } from '../types';

export const diskVerbs: VerbGroup = {
  name: 'disk',
  summary: 'Disk use per app, retention and cleanup',
  verbs: [
    {
      name: 'apps:disk',
      usage: 'berth apps:disk <app>',
      summary: 'What an app keeps on this host: its images (docker\'s size each), volumes, storage folder, logs and data snapshots (as du counts them), and the total.',
      args: [{ name: 'app', summary: 'The app\'s name.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<AppDiskResponse>(appPath(ctx.arg('app'), '/disk'));
        if (ctx.json) return ctx.out.json(res);
        const d = res.disk;
        ctx.out.heading(`${d.app} disk use`);
        ctx.out.write(table(['KIND', 'NAME', 'SIZE'], [
          ...d.images.map((i) => ['image', i.tags.join(' ') || i.id.slice(7, 19), bytes(i.bytes)]),
          ...d.volumes.map((v) => ['volume', v.name, bytes(v.bytes)]),
          ['storage', 'folder', bytes(d.storageBytes)],
          ['logs', 'builds', bytes(d.logs.builds)],
          ['logs', 'containers', bytes(d.logs.archive)],
          ['logs', 'router', bytes(d.logs.router)],
          ['snapshots', `data before release commands (BERTH_SNAPSHOT_KEEP)`, bytes(d.snapshotsBytes)],
          ['total', '', bytes(d.totalBytes)],
        ]));
      },
    },
    {
      name: 'cleanup',
      usage: 'berth cleanup [--dry-run]',
      summary: 'Apply retention now (admins): build logs past BERTH_BUILD_LOG_DAYS, events past BERTH_EVENT_DAYS, router logs past BERTH_ROUTER_LOG_MB rotated, dangling images past BERTH_DANGLING_IMAGE_HOURS. The worker runs it daily.',
      args: [],
      options: [{ name: 'dry-run', summary: 'Say what would go; change nothing.' }],
      async run(ctx) {
        const dryRun = ctx.args.options['dry-run'] === true;
        const res = await ctx.api().json<CleanupResponse>('POST', '/api/v1/cleanup', { dryRun });
        if (ctx.json) return ctx.out.json(res);
        const c = res.cleanup;
        const verb = dryRun ? 'would remove' : 'removed';
        ctx.out.write(keyValues([
          ['Build logs', `${verb} ${c.buildLogs.removed} (${bytes(c.buildLogs.bytes)})`],
          ['Events', `${verb} ${c.events.removed}`],
          ['Router logs', c.routerLogs.length ? `${dryRun ? 'would rotate' : 'rotated'} ${c.routerLogs.join(' ')}` : 'none past the limit'],
          ['Dangling images', c.images === null ? 'not counted in a dry run' : `removed ${c.images.removed} (${bytes(c.images.bytes)})`],
        ]));
      },
    },
    {
      name: 'disk:report',
      usage: 'berth disk:report',
      summary: 'How full the disk holding BERTH_HOME is, and the BERTH_DISK_WARN_PERCENT threshold.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<DiskStateResponse>('/api/v1/disk');
        if (ctx.json) return ctx.out.json(res);
        const d = res.disk;
        ctx.out.write(keyValues([['Used', `${d.usedPercent}%`], ['Warning at', `${d.warnPercent}%`], ['Low', d.low ? 'yes: run berth cleanup' : 'no']]));
      },
    },
  ],
};
