import { appPath } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../output';
import type { VerbGroup } from '../types';
import type { UserAddRequest, UserAddResponse, UserRoleResponse, UsersListResponse, RemovedResponse, CollaboratorsResponse } from '../api-types';

/** Users, roles and app collaborators (admins only). */
export const usersVerbs: VerbGroup = {
  name: 'users',
  summary: 'Users, roles and app collaborators',
  verbs: [
    {
      name: 'users:add',
      usage: 'berth users:add <name> [--role admin|developer|viewer] [--password]',
      summary: 'Add a user and print their first API token (shown once). Developers see only apps they collaborate on; viewers only read.',
      args: [{ name: 'name', summary: 'Lowercase letters, digits, . _ -.' }],
      options: [
        { name: 'role', value: 'admin|developer|viewer', summary: 'Default developer.' },
        { name: 'password', summary: 'Also set a dashboard password, read from stdin (or asked for on a terminal).' },
      ],
      async run(ctx) {
        const role = typeof ctx.args.options.role === 'string' ? ctx.args.options.role : 'developer';
        let password: string | undefined;
        if (ctx.args.options.password === true) {
          password = ctx.out.interactive ? await ctx.out.ask('Dashboard password: ') : (await ctx.out.readStdin()).trim();
          if (!password) throw new CliError('USAGE', 'no password given on stdin');
        }
        const res = await ctx.api().json<UserAddResponse>('POST', '/api/v1/users', { name: ctx.arg('name'), role, password } satisfies UserAddRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Added ${res.user.name} (${res.user.role}). API token (shown once, keep it safe):`);
        ctx.out.line(res.token);
      },
    },
    {
      name: 'users:remove',
      usage: 'berth users:remove <name>',
      summary: 'Remove a user with their tokens, dashboard sessions, SSH keys and collaborations.',
      args: [{ name: 'name', summary: 'The user.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<RemovedResponse>('DELETE', `/api/v1/users/${encodeURIComponent(ctx.arg('name'))}`);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Removed ${ctx.arg('name')}`);
      },
    },
    {
      name: 'users:role',
      usage: 'berth users:role <name> <role>',
      summary: 'Give a user another role (admin, developer or viewer), from their next request on; not your own.',
      args: [{ name: 'name', summary: 'The user.' }, { name: 'role', summary: 'admin, developer or viewer.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<UserRoleResponse>('PATCH', `/api/v1/users/${encodeURIComponent(ctx.arg('name'))}`, { role: ctx.arg('role') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${res.user.name} is now ${res.user.role}`);
      },
    },
    {
      name: 'users:list',
      usage: 'berth users:list',
      summary: 'List users, their roles and the apps they collaborate on.',
      args: [],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<UsersListResponse>('/api/v1/users');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.write(table(['NAME', 'ROLE', 'APPS'], res.users.map((u) => [u.name, u.role, u.apps.join(',') || '-'])));
      },
    },
    {
      name: 'apps:collaborators',
      usage: 'berth apps:collaborators <app>',
      summary: 'List the users who may deploy to and change an app (besides admins).',
      args: [{ name: 'app', summary: 'The app.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().get<CollaboratorsResponse>(appPath(ctx.arg('app'), '/collaborators'));
        if (ctx.json) return ctx.out.json(res);
        if (!res.collaborators.length) return ctx.out.note('No collaborators.');
        for (const name of res.collaborators) ctx.out.line(name);
      },
    },
    {
      name: 'apps:collaborators:add',
      usage: 'berth apps:collaborators:add <app> <user>',
      summary: 'Let a developer read, deploy to and change an app.',
      args: [{ name: 'app', summary: 'The app.' }, { name: 'user', summary: 'The user.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<CollaboratorsResponse>('POST', appPath(ctx.arg('app'), '/collaborators'), { user: ctx.arg('user') });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('user')} now collaborates on ${ctx.arg('app')}`);
      },
    },
    {
      name: 'apps:collaborators:remove',
      usage: 'berth apps:collaborators:remove <app> <user>',
      summary: 'Take a collaborator off an app.',
      args: [{ name: 'app', summary: 'The app.' }, { name: 'user', summary: 'The user.' }],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<CollaboratorsResponse>('DELETE', appPath(ctx.arg('app'), `/collaborators/${encodeURIComponent(ctx.arg('user'))}`));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('user')} no longer collaborates on ${ctx.arg('app')}`);
      },
    },
  ],
};
