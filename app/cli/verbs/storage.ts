import { appPath } from '../api-client';
import { table } from '../output';
import type { ArgSpec, VerbGroup } from '../types';
import type { MountRequest, MountResponse, MountsResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const MOUNT: ArgSpec = { name: 'mount', summary: '<volume-name|/host/path>:/container/path; host folders (admins only) directly below $BERTH_HOME/storage/<app id> (`apps:info` shows the id).' };


export const storageVerbs: VerbGroup = {
  name: 'storage',
  summary: 'Persistent storage mounted into an app\'s containers',
  verbs: [
    {
      name: 'storage:list',
      aliases: ['storage:report'],
      usage: 'berth storage:list <app>',
      summary: 'List the app\'s mounts.',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<MountsResponse>(appPath(ctx.arg('app'), '/storage'));
        if (ctx.json) return ctx.out.json(res);
        if (!res.mounts.length) return ctx.out.note(`${ctx.arg('app')} has no mounts: berth storage:mount ${ctx.arg('app')} data:/data`);
        ctx.out.write(table(['SOURCE', 'CONTAINER PATH', 'KIND'], res.mounts.map((m) => [m.source, m.target, m.kind])));
      },
    },
    {
      name: 'storage:mount',
      usage: 'berth storage:mount <app> <mount>',
      summary: 'Mount a named volume (kept as berth-app-<app id>-<name>) or a host folder into every container of the app.',
      args: [APP, MOUNT],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<MountResponse>('POST', appPath(ctx.arg('app'), '/storage'), { mount: ctx.arg('mount') } satisfies MountRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Mounted ${res.mount.source} at ${res.mount.target}`);
        ctx.out.note(`       Applies to containers started from now on: berth ps:restart ${ctx.arg('app')}`);
      },
    },
    {
      name: 'storage:unmount',
      usage: 'berth storage:unmount <app> <mount>',
      summary: 'Remove a mount (the data stays on the volume or host folder).',
      args: [APP, { name: 'mount', summary: 'The mount as given to storage:mount, or just its container path.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<MountResponse>('POST', appPath(ctx.arg('app'), '/storage/unmount'), { mount: ctx.arg('mount') } satisfies MountRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Unmounted ${res.mount.source} from ${res.mount.target}`);
        ctx.out.note(`       Applies to containers started from now on: berth ps:restart ${ctx.arg('app')}`);
      },
    },
  ],
};
