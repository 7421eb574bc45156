import { CliError } from '../cli-error';
import { followBuildLog } from '../follow-build';
import { keyValues } from '../output';
import type { ArgSpec, OptionSpec, Verb, VerbContext, VerbGroup } from '../types';
import { download, upload } from './service-streams';
import { execSession } from '../exec-client';
import { terminalRequest } from '../terminal-request';
import type { ServiceView, ServiceLinkResponse, ServiceResponse, ServicesListResponse, ServiceDestroyResponse, ServiceCreateRequest } from '../api-types';

/**
 * Generic service verbs: `<service>:<action>` runs for every service plugin the berth has
 * (`postgres:create`, `redis:link`, `memcached:info`, …). The CLI holds no plugin list: the
 * API answers SERVICE_PLUGIN_NOT_FOUND for a service it does not know.
 */
const NAME: ArgSpec = { name: 'name', summary: 'The service\'s name (lowercase letters, digits, dashes).' };
const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const IMAGE: OptionSpec = { name: 'image', short: 'i', value: '<image>', summary: 'Run this image instead of the plugin\'s default.' };
const IMAGE_VERSION: OptionSpec = { name: 'image-version', short: 'I', value: '<tag>', summary: 'Run this tag of the image (dokku\'s -I).' };

/** `--image` and dokku's `--image-version` together: `-i postgres -I 16` is postgres:16. */
function imageOf(o: Readonly<Record<string, string | true>>): string | undefined {
  const image = typeof o.image === 'string' ? o.image : undefined;
  const tag = typeof o['image-version'] === 'string' ? o['image-version'] : undefined;
  if (tag === undefined) return image;
  if (image === undefined) throw new CliError('USAGE', '--image-version needs --image too (berth does not guess the plugin\'s image name)');
  return `${image.replace(/:[^:/]*$/, '')}:${tag}`;
}

type ServiceInfo = ServiceView;
type LinkAnswer = ServiceLinkResponse;

function pluginOf(ctx: VerbContext): string {
  const typed = ctx.invokedAs ?? ctx.verb.name;
  const plugin = typed.slice(0, typed.indexOf(':'));
  if (!/^[a-z][a-z0-9-]*$/.test(plugin)) throw new CliError('UNKNOWN_VERB', `use a service plugin's name, e.g. \`berth postgres:${ctx.verb.name.split(':')[1]}\``);
  return plugin;
}
const base = (ctx: VerbContext) => `/api/v1/services/${encodeURIComponent(pluginOf(ctx))}`;
const one = (ctx: VerbContext, rest = '') => `${base(ctx)}/${encodeURIComponent(ctx.arg('name'))}${rest}`;

function printInfo(ctx: VerbContext, s: ServiceInfo): void {
  ctx.out.heading(`${s.plugin} service ${s.name}`);
  ctx.out.write(keyValues([
    ['Status', s.status], ['Image', s.image], ['Scheduler', s.scheduler],
    ...(s.scheduler === 'swarm' ? [['Placement', s.placement.join(', ')], ['Node', s.node ? `${s.node}${s.nodeId ? ` (${s.nodeId.slice(0, 12)})` : ''}` : '- (no task runs)']] as [string, string][] : []),
    ['Address', s.address], ['Container', s.container], ['Volume', s.volume], ['URL', s.url],
    ['Exposed', s.exposedUrl ?? 'no'], ['Links', s.links.map((l) => `${l.app} (${l.alias})`).join(', ') || 'none'], ['Created', s.createdAt],
  ]));
}

async function showService(ctx: VerbContext, res: { service: ServiceInfo }, done: string): Promise<void> {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.line(`-----> ${done}`);
  printInfo(ctx, res.service);
}

/** A link change re-releases the app: follow that build like config:set does. */
async function afterLink(ctx: VerbContext, res: LinkAnswer, what: string): Promise<void> {
  if (ctx.json) return ctx.out.json(res);
  const app = ctx.arg('app');
  ctx.out.line(`-----> ${what} ${res.link.alias} for ${app}`);
  if (!res.build) { ctx.out.line('       (the app has no release yet: it gets the change at its first deploy)'); return; }
  ctx.out.line(`-----> Build ${res.build.id} queued to restart ${app}; following its log`);
  await followBuildLog(ctx, app, res.build.id);
}

function verb(action: string, spec: Omit<Verb, 'name' | 'pattern'>): Verb {
  return { name: `<service>:${action}`, pattern: new RegExp(`^[a-z][a-z0-9-]*:${action}$`), ...spec };
}

async function simple(ctx: VerbContext, action: 'stop' | 'start' | 'restart', done: string): Promise<void> {
  const res = await ctx.api().json<ServiceResponse>('POST', one(ctx, `/${action}`));
  await showService(ctx, res, done);
}

export const servicesVerbs: VerbGroup = {
  name: 'services',
  summary: 'Services from service plugins (`<service>` is postgres, redis, mariadb, or any installed one)',
  verbs: [
    verb('create', {
      usage: 'berth <service>:create <name> [-i|--image <image>] [-I|--image-version <tag>] [--scheduler <scheduler>] [--placement <constraints>]',
      summary: 'Create a service: a container with a data volume and generated credentials, on the berth network only (or one swarm service pinned to a node: docs/swarm.md).',
      args: [NAME],
      options: [
        IMAGE, IMAGE_VERSION,
        { name: 'scheduler', value: '<scheduler>', summary: 'docker-local or swarm (default: BERTH_SCHEDULER).' },
        { name: 'placement', value: '<constraints>', summary: 'Swarm only: constraints matching exactly one node, e.g. node.labels.db==a (default: this node).' },
      ],
      async run(ctx) {
        const o = ctx.args.options;
        const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const res = await ctx.api().json<ServiceResponse>('POST', base(ctx), {
          name: ctx.arg('name'), image: imageOf(o), scheduler: str(o.scheduler), placement: str(o.placement),
        } satisfies ServiceCreateRequest);
        await showService(ctx, res, `Created ${res.service.plugin} service ${res.service.name}`);
      },
    }),
    verb('list', {
      usage: 'berth <service>:list', summary: 'List the services of one plugin.', args: [], options: [],
      async run(ctx) {
        const res = await ctx.api().get<ServicesListResponse>(base(ctx));
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading(`${pluginOf(ctx)} services`);
        for (const s of res.services) ctx.out.line(`${s.name}  ${s.status}  ${s.scheduler}${s.node ? `@${s.node}` : ''}  ${s.links.map((l) => l.app).join(',') || '-'}`);
      },
    }),
    verb('info', {
      usage: 'berth <service>:info <name>', summary: 'Show a service: status, image, URL, links.', args: [NAME], options: [],
      async run(ctx) {
        const res = await ctx.api().get<ServiceResponse>(one(ctx));
        if (ctx.json) return ctx.out.json(res);
        printInfo(ctx, res.service);
      },
    }),
    verb('link', {
      usage: 'berth <service>:link <name> <app> [-a|--alias <VAR>]',
      summary: 'Give an app the service\'s URL as an env var (DATABASE_URL, REDIS_URL, …) and restart it.',
      args: [NAME, APP], options: [{ name: 'alias', short: 'a', value: '<VAR>', summary: 'Env var name instead of the plugin\'s default.' }],
      async run(ctx) {
        const alias = ctx.args.options.alias;
        const res = await ctx.api().json<LinkAnswer>('POST', one(ctx, '/links'), { app: ctx.arg('app'), alias: typeof alias === 'string' ? alias : undefined });
        await afterLink(ctx, res, 'Linked: set');
      },
    }),
    verb('unlink', {
      usage: 'berth <service>:unlink <name> <app>', summary: 'Remove the service\'s env var from an app and restart it.', args: [NAME, APP], options: [],
      async run(ctx) {
        const res = await ctx.api().json<LinkAnswer>('DELETE', one(ctx, `/links/${encodeURIComponent(ctx.arg('app'))}`));
        await afterLink(ctx, res, 'Unlinked: removed');
      },
    }),
    verb('logs', {
      usage: 'berth <service>:logs <name> [-n N]', summary: 'Print the service container\'s last log lines.', args: [NAME],
      options: [{ name: 'num', short: 'n', value: 'N', summary: 'How many lines (default 100).' }],
      async run(ctx) {
        const n = ctx.args.options.num;
        ctx.out.write(await ctx.api().text(one(ctx, `/logs${typeof n === 'string' ? `?tail=${encodeURIComponent(n)}` : ''}`)));
      },
    }),
    verb('stop', { usage: 'berth <service>:stop <name>', summary: 'Stop the service container (linked apps lose it until start).', args: [NAME], options: [], run: (ctx) => simple(ctx, 'stop', 'Stopped') }),
    verb('start', { usage: 'berth <service>:start <name>', summary: 'Start a stopped service and wait until it is ready.', args: [NAME], options: [], run: (ctx) => simple(ctx, 'start', 'Started') }),
    verb('restart', { usage: 'berth <service>:restart <name>', summary: 'Restart the service and wait until it is ready.', args: [NAME], options: [], run: (ctx) => simple(ctx, 'restart', 'Restarted') }),
    verb('expose', {
      usage: 'berth <service>:expose <name> <port>', summary: 'Publish the service on 127.0.0.1:<port> (loopback only), e.g. for an SSH tunnel.',
      args: [NAME, { name: 'port', summary: 'Host port, 1024–65535.' }], options: [],
      async run(ctx) {
        const res = await ctx.api().json<ServiceResponse>('POST', one(ctx, '/expose'), { port: Number(ctx.arg('port')) });
        await showService(ctx, res, `Exposed on 127.0.0.1:${res.service.exposedPort}`);
      },
    }),
    verb('unexpose', {
      usage: 'berth <service>:unexpose <name>', summary: 'Stop publishing the service on the loopback port.', args: [NAME], options: [],
      async run(ctx) {
        const res = await ctx.api().json<ServiceResponse>('DELETE', one(ctx, '/expose'));
        await showService(ctx, res, 'Unexposed');
      },
    }),
    verb('export', {
      usage: 'berth <service>:export <name>', summary: 'Write a backup of the service\'s data to stdout (`> backup.dump`).', args: [NAME], options: [],
      async run(ctx) {
        if (ctx.io.stdout.isTTY) throw new CliError('STDOUT_IS_TERMINAL', 'redirect the export to a file: `berth ' + `${pluginOf(ctx)}:export ${ctx.arg('name')} > backup.dump\``);
        await download(ctx.api(), one(ctx, '/export'), ctx.io.stdout);
      },
    }),
    verb('import', {
      usage: 'berth <service>:import <name>', summary: 'Restore a backup made by export from stdin (`< backup.dump`).', args: [NAME], options: [],
      async run(ctx) {
        if (ctx.io.stdin.isTTY) throw new CliError('STDIN_IS_TERMINAL', 'give the backup on stdin: `berth ' + `${pluginOf(ctx)}:import ${ctx.arg('name')} < backup.dump\``);
        const res = await upload<ServiceResponse>(ctx.api(), one(ctx, '/import'), ctx.io.stdin);
        await showService(ctx, res, `Imported into ${res.service.plugin} service ${res.service.name}`);
      },
    }),
    verb('connect', {
      usage: 'berth <service>:connect <name>',
      summary: 'Open the service\'s own client (psql, redis-cli, mariadb) in its container, as dokku\'s connect: from a terminal with a terminal (prompt, line editing), piped stdin as a script (no prompt). For admins and developers of an app the service is linked to. Exits with the client\'s exit code.',
      args: [NAME], options: [],
      run: (ctx) => {
        // As `berth enter`: a terminal on both ends asks the server for one, and stdin goes raw.
        const q = new URLSearchParams();
        const { tty, stdout } = terminalRequest(ctx.io, q);
        return execSession(ctx.api(), `${one(ctx, '/connect')}${tty ? `?${q}` : ''}`, { stdin: ctx.io.stdin, stdout, raw: tty });
      },
    }),
    verb('destroy', {
      usage: 'berth <service>:destroy <name> [--confirm <name>] [--delete-data] [-f|--force]',
      summary: 'Remove the service\'s container; its data volume stays (and a create of the same name reuses it) unless --delete-data or --force.',
      args: [NAME],
      options: [
        { name: 'confirm', value: '<name>', summary: 'The service\'s name again, to skip the question (needed when stdin is not a terminal).' },
        { name: 'delete-data', summary: 'Delete the data volume too.' },
        { name: 'force', short: 'f', summary: 'dokku\'s destroy: do not ask, and delete the data volume too.' },
      ],
      async run(ctx) {
        const name = ctx.arg('name');
        let confirm = ctx.args.options.force === true ? name : ctx.args.options.confirm;
        if (typeof confirm !== 'string') {
          if (!ctx.out.interactive) throw new CliError('CONFIRMATION_REQUIRED', `destroying ${name} needs confirmation: pass --confirm ${name}`);
          confirm = await ctx.out.ask(` !     Type the service's name to confirm: `);
        }
        const force = ctx.args.options.force === true || ctx.args.options['delete-data'] === true;
        const res = await ctx.api().json<ServiceDestroyResponse>('DELETE', one(ctx), { confirm, force });
        if (ctx.json) return ctx.out.json(res);
        const kept = res.volumeLeftOn
          ? ` (its data volume stays on swarm node ${res.volumeLeftOn}: remove it there with \`docker volume rm\`)`
          : res.dataKept ? ' (its data volume is kept; --delete-data deletes it)' : ' and its data';
        ctx.out.line(`-----> Destroyed ${pluginOf(ctx)} service ${name}${kept}`);
      },
    }),
    verb('upgrade', {
      usage: 'berth <service>:upgrade <name> [-i|--image <image>] [-I|--image-version <tag>]', summary: 'Run the service on another image (default: the plugin\'s current one), keeping its data.',
      args: [NAME], options: [IMAGE, IMAGE_VERSION],
      async run(ctx) {
        const res = await ctx.api().json<ServiceResponse>('POST', one(ctx, '/upgrade'), { image: imageOf(ctx.args.options) });
        await showService(ctx, res, `Now running ${res.service.image}`);
      },
    }),
  ],
};
