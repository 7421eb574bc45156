import { appPath } from '../api-client';
import type { AppSettingsResponse, AppSummary, BuilderChangeRequest, GlobalDomainsResponse, NetworkResponse, NetworksListResponse, PsSettingsResponse, ResourcesResponse, StorageDirectoryResponse, ProxyResponse, ChecksRunResponse, DockerOptionsResponse } from '../api-types';
import { berthBuildpack } from '../buildpack-urls';
import { CliError } from '../cli-error';
import { keyValues, table } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import { appDetail, dokkuReport } from './dokku-reports';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const NETWORK: ArgSpec = { name: 'network', summary: 'A network\'s name, as network:list shows it.' };

type ProxyReport = ProxyResponse['proxy'];

const proxyOf = async (ctx: VerbContext): Promise<ProxyReport> => (await ctx.api().get<ProxyResponse>(appPath(ctx.arg('app'), '/proxy'))).proxy;

async function setProxy(ctx: VerbContext, enabled: boolean): Promise<void> {
  const { proxy } = await ctx.api().json<ProxyResponse>('PATCH', appPath(ctx.arg('app'), '/proxy'), { enabled });
  if (ctx.json) return ctx.out.json({ proxy });
  ctx.out.line(enabled
    ? `-----> Proxy enabled for ${ctx.arg('app')}: the router serves its domains again`
    : `-----> Proxy disabled for ${ctx.arg('app')}: its containers keep running; the router no longer serves its domains`);
}

/** The apps' networks the caller may see (berth makes one per app). */
const networks = async (ctx: VerbContext) => (await ctx.api().get<NetworksListResponse>('/api/v1/networks')).networks;

/**
 * More of dokku's everyday verbs, each mapped onto what berth has: buildpacks:list/remove,
 * checks:run/set, storage:ensure-directory, proxy:* (berth's router), network:* (each app's own
 * network). config:clear and config:keys are with the config verbs.
 */
export const dokkuMoreVerbs: VerbGroup = {
  name: 'dokku-more',
  summary: 'dokku\'s buildpacks:list/remove, checks:run/set, storage:ensure-directory, proxy:*, resource:limit-clear, docker-options:clear, domains:clear-global and network:* on berth',
  verbs: [
    {
      name: 'buildpacks:list',
      usage: 'berth buildpacks:list <app>',
      summary: 'List the app\'s buildpack (berth runs one per app; none listed: detected at each build).',
      args: [APP],
      options: [],
      async run(ctx) {
        const app = await appDetail(ctx);
        if (ctx.json) return ctx.out.json({ buildpacks: app.buildpack ? [app.buildpack] : [] });
        ctx.out.heading(`${app.name} buildpack urls`);
        if (app.buildpack) ctx.out.line(app.buildpack);
      },
    },
    {
      name: 'buildpacks:remove',
      usage: 'berth buildpacks:remove <app> [buildpack] [--index 1]',
      summary: 'Remove the app\'s buildpack (named by URL, id or name, or --index 1): detected again at each build. Another buildpack than the app\'s is refused.',
      args: [APP, { name: 'buildpack', optional: true, summary: 'A buildpack name, URL or id.' }],
      options: [{ name: 'index', value: 'N', summary: 'dokku\'s position in the list; berth runs one buildpack, so only 1.' }],
      async run(ctx) {
        const given = ctx.args.positional.buildpack;
        const index = ctx.args.options.index;
        if ((given === undefined) === (index === undefined)) throw new CliError('USAGE', 'name the buildpack or give --index 1, one of the two', { hint: `berth buildpacks:remove ${ctx.arg('app')} --index 1` });
        if (index !== undefined && index !== '1') throw new CliError('USAGE', `berth runs one buildpack per app, so there is no --index ${index === true ? '' : index}; use --index 1.`);
        const app = await appDetail(ctx);
        const wanted = given === undefined ? app.buildpack : berthBuildpack(given);
        if (!app.buildpack || wanted !== app.buildpack) {
          throw new CliError('INVALID_INPUT', app.buildpack
            ? `${app.name} builds with the ${app.buildpack} buildpack, not ${wanted}; nothing was removed.`
            : `${app.name} has no buildpack set (it is detected at each build); nothing was removed.`);
        }
        const res = await ctx.api().json<AppSettingsResponse>('PATCH', appPath(app.name, '/builder'), { buildpack: 'auto' } satisfies BuilderChangeRequest);
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${app.name} buildpack ${wanted} removed: detected at each build`);
      },
    },
    {
      name: 'checks:run',
      usage: 'berth checks:run <app> [process-types]',
      summary: 'Run the live release\'s startup/readiness checks (app.json healthchecks; web\'s default) against its running containers now, as a deploy runs them; exit 1 when one fails. Nothing is restarted.',
      args: [APP, { name: 'process-types', optional: true, summary: 'Comma-separated process types, e.g. web,worker; none: every type.' }],
      options: [],
      async run(ctx) {
        const given = ctx.args.positional['process-types'];
        const types = given === undefined ? undefined : given.split(',').map((t) => t.trim()).filter(Boolean);
        const res = await ctx.api().json<ChecksRunResponse>('POST', appPath(ctx.arg('app'), '/checks/run'), { types });
        if (ctx.json) ctx.out.json(res);
        else for (const line of res.lines) ctx.out.line(line);
        if (!res.passed) throw new CliError('HEALTHCHECK_FAILED', `${ctx.arg('app')}'s running containers failed a check; see above.`);
      },
    },
    {
      name: 'checks:set',
      usage: 'berth checks:set <app> <key> [value]',
      summary: 'dokku\'s wait-to-retire: seconds an old container may drain its open connections after a deploy (no value: berth\'s default); the same as ps:set <app> retire-wait. dokku\'s wait, timeout and attempts are app.json healthcheck fields in berth.',
      args: [APP, { name: 'key', summary: 'wait-to-retire.' }, { name: 'value', optional: true, summary: 'Seconds; none: berth\'s default.' }],
      options: [],
      async run(ctx) {
        const key = ctx.arg('key');
        if (['wait', 'timeout', 'attempts', 'default-wait'].includes(key)) {
          throw new CliError('USAGE', `berth reads a check's ${key} from app.json (healthchecks.<type>[].${key === 'default-wait' ? 'wait' : key}), not from checks:set`, { hint: 'See docs/app-json.md.' });
        }
        if (key !== 'wait-to-retire') throw new CliError('USAGE', `checks:set knows one key: wait-to-retire, not ${JSON.stringify(key)}`);
        const value = ctx.args.positional.value;
        const res = await ctx.api().json<PsSettingsResponse>('PATCH', appPath(ctx.arg('app'), '/ps'), { retireWait: value === undefined ? null : value });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('app')}: old containers drain up to ${res.retireWait} s after a deploy`);
      },
    },
    {
      name: 'storage:ensure-directory',
      usage: 'berth storage:ensure-directory <app> <directory> [--chown herokuish|heroku|paketo|root|false|<uid>]',
      summary: 'Make a folder for host mounts below the app\'s storage folder ($BERTH_HOME/storage/<app id>/<directory>) and set its owner (default herokuish, 32767); admins only. dokku\'s `storage:ensure-directory <directory>` with the app from --app or the repo\'s paas remote.',
      args: [APP, { name: 'directory', summary: 'The folder\'s name: lowercase letters, digits and ._-.' }],
      options: [{ name: 'chown', value: 'OWNER', summary: 'herokuish (32767, default), heroku (1000), paketo (2000), root (0), a numeric uid, or false (leave it).' }],
      async run(ctx) {
        const chown = ctx.args.options.chown;
        if (chown === true) throw new CliError('USAGE', '--chown takes a value: herokuish, heroku, paketo, root, false or a uid');
        const { directory } = await ctx.api().json<StorageDirectoryResponse>('POST', appPath(ctx.arg('app'), '/storage/directories'), { name: ctx.arg('directory'), chown });
        if (ctx.json) return ctx.out.json({ directory });
        ctx.out.line(`-----> Ensuring ${directory.path} exists`);
        if (directory.owner !== null) ctx.out.line(`       Setting directory ownership to ${directory.owner}:${directory.owner}`);
        ctx.out.line('-----> Directory ready for mounting');
        ctx.out.note(`       berth storage:mount ${ctx.arg('app')} ${directory.path}:/storage`);
      },
    },
    {
      name: 'proxy:enable',
      usage: 'berth proxy:enable <app>',
      summary: 'Route the app again (its domains, ports and certificate in berth\'s nginx). Also --all.',
      args: [APP],
      options: [],
      run: (ctx) => setProxy(ctx, true),
    },
    {
      name: 'proxy:disable',
      usage: 'berth proxy:disable <app>',
      summary: 'Take the app off berth\'s router: its containers keep running on its own network, its domains are no longer served (until proxy:enable), through later deploys too. Also --all.',
      args: [APP],
      options: [],
      run: (ctx) => setProxy(ctx, false),
    },
    {
      name: 'proxy:set',
      usage: 'berth proxy:set <app> <type>',
      summary: 'dokku\'s proxy type: berth\'s router is nginx, so nginx is taken (no change) and any other type is refused.',
      args: [APP, { name: 'type', summary: 'nginx.' }],
      options: [],
      async run(ctx) {
        const { proxy } = await ctx.api().json<ProxyResponse>('PATCH', appPath(ctx.arg('app'), '/proxy'), { type: ctx.arg('type') });
        if (ctx.json) return ctx.out.json({ proxy });
        ctx.out.line(`-----> ${ctx.arg('app')} proxy type: ${proxy.type}`);
      },
    },
    dokkuReport('proxy', 'Show whether the router serves the app (proxy:disable turns it off) and its proxy type (nginx).', async (ctx) => {
      const p = await proxyOf(ctx);
      return { 'proxy-enabled': String(p.enabled), 'proxy-type': p.type, 'proxy-computed-type': p.type };
    }),
    {
      name: 'resource:limit-clear',
      usage: 'berth resource:limit-clear <app>',
      summary: 'Remove the app\'s own memory and CPU limits (berth\'s defaults apply again to containers started from now on).',
      args: [APP],
      options: [],
      async run(ctx) {
        const res = await ctx.api().json<ResourcesResponse>('PATCH', appPath(ctx.arg('app'), '/resources'), { memory: '0', cpus: '0' });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('app')}'s resource limits cleared (berth's defaults); they apply to containers started from now on`);
      },
    },
    {
      name: 'docker-options:clear',
      usage: 'berth docker-options:clear <app> [phase]',
      summary: 'Remove every build option of the app (build is the only phase berth keeps options for; deploy and run have none to clear).',
      args: [APP, { name: 'phase', optional: true, summary: 'build, deploy or run (comma-separated); none: all.' }],
      options: [],
      async run(ctx) {
        const phases = (ctx.args.positional.phase ?? 'build,deploy,run').split(',');
        const bad = phases.find((p) => !['build', 'deploy', 'run'].includes(p));
        if (bad) throw new CliError('USAGE', `docker-options phases are build, deploy and run, not ${JSON.stringify(bad)}`);
        if (!phases.includes('build')) return ctx.out.line(`-----> ${ctx.arg('app')} has no ${phases.join('/')} options in berth; nothing to clear`);
        const res = await ctx.api().json<DockerOptionsResponse>('PATCH', appPath(ctx.arg('app'), '/docker-options'), { phase: 'build', clear: true });
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> ${ctx.arg('app')}'s build options cleared`);
      },
    },
    {
      name: 'domains:clear-global',
      usage: 'berth domains:clear-global',
      summary: 'Remove every global domain (apps keep their custom domains) and re-route every app.',
      args: [],
      options: [],
      async run(ctx) {
        const { globalDomains } = await ctx.api().get<GlobalDomainsResponse>('/api/v1/domains');
        const res = globalDomains.length ? await ctx.api().json<GlobalDomainsResponse>('PATCH', '/api/v1/domains', { remove: globalDomains }) : { globalDomains };
        if (ctx.json) return ctx.out.json(res);
        ctx.out.line(`-----> Global domains cleared${globalDomains.length ? ` (${globalDomains.join(' ')})` : ' (there were none)'}`);
      },
    },
    {
      name: 'network:list',
      usage: 'berth network:list',
      summary: 'List the networks berth made: one per app (its containers and its linked services), for the apps you may see.',
      args: [],
      options: [],
      async run(ctx) {
        const list = await networks(ctx);
        if (ctx.json) return ctx.out.json({ networks: list });
        ctx.out.heading('Networks');
        ctx.out.write(table(['NETWORK', 'APP'], list.map((n) => [n.name, n.app])));
      },
    },
    {
      name: 'network:exists',
      usage: 'berth network:exists <network>',
      summary: 'Exit 0 when the network is one of berth\'s (an app\'s you may see), 1 with "Network does not exist" when not.',
      args: [NETWORK],
      options: [],
      async run(ctx) {
        const found = (await networks(ctx)).some((n) => n.name === ctx.arg('network'));
        if (ctx.json) return ctx.out.json({ exists: found });
        if (!found) throw new CliError('NETWORK_NOT_FOUND', 'Network does not exist');
        ctx.out.line('Network exists');
      },
    },
    {
      name: 'network:info',
      usage: 'berth network:info <network>',
      summary: 'Show a network of berth\'s: the app it belongs to, its driver and the app\'s running containers on it.',
      args: [NETWORK],
      options: [],
      async run(ctx) {
        const { network } = await ctx.api().get<NetworkResponse>(`/api/v1/networks/${encodeURIComponent(ctx.arg('network'))}`);
        if (ctx.json) return ctx.out.json({ network });
        ctx.out.heading(`${network.name} network information`);
        ctx.out.write(keyValues([['Name', network.name], ['App', network.app], ['Driver', network.driver], ['Containers', network.containers.join(' ')]]));
      },
    },
    {
      name: 'network:destroy',
      usage: 'berth network:destroy <network>',
      summary: 'Refused: an app\'s network goes with the app (apps:destroy); berth makes no other networks.',
      args: [NETWORK],
      options: [],
      async run(ctx) {
        const found = (await networks(ctx)).find((n) => n.name === ctx.arg('network'));
        if (!found) throw new CliError('NETWORK_NOT_FOUND', 'Network does not exist');
        throw new CliError('NETWORK_PER_APP', `${found.name} is ${found.app}'s own network; it goes when the app does (berth apps:destroy ${found.app}).`);
      },
    },
  ],
};
