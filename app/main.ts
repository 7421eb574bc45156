import { loadConfig, pathsFor } from './config';
import { asBerthError } from './errors';
import { createBerth } from './boot/create-berth';
import { checkDependencies, startWeb, startWorker } from './boot/roles';
import { loadBuildpacks } from '../buildpacks';
import { runRouterAgentProcess } from './boot/router-agent-boot';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(command: string): Promise<void> {
  // A router on another node: its nginx and the route feed only (no database, no queues).
  if (command === 'router-agent') return runRouterAgentProcess(log);
  // Everything berth (and git, nginx, which it spawns) writes is owner-only: docs/security.md, "Files".
  process.umask(0o077);
  const config = loadConfig();
  const paths = pathsFor(config);
  const berth = createBerth({ config, paths, buildpacks: loadBuildpacks() });

  if (command === 'admin:bootstrap') {
    const { user, token } = berth.users.bootstrapAdmin(`bootstrap ${new Date().toISOString()}`);
    if (config.adminPassword) await berth.sessions.setAdminPassword(config.adminPassword);
    process.stdout.write(`${JSON.stringify({ user: user.name, token })}\n`);
    await berth.close();
    return;
  }
  if (command === 'admin:password') {
    // The dashboard's login; the password comes from the argument or BERTH_ADMIN_PASSWORD.
    await berth.sessions.setAdminPassword(process.argv[3] ?? config.adminPassword);
    process.stdout.write('admin password set\n');
    await berth.close();
    return;
  }
  if (!['start', 'web', 'worker'].includes(command)) {
    throw new Error(`unknown command "${command}": use start, web, worker, router-agent, admin:bootstrap or admin:password`);
  }
  await checkDependencies(berth, log);
  // Plugins were loaded by createBerth: say which, and why any were refused.
  for (const line of berth.services.plugins.startupReport()) log(line);
  // The worker starts first so a push that arrives as soon as the web port opens is processed.
  if (command !== 'web') await startWorker(berth, log);
  const server = command !== 'worker' ? await startWeb(berth, log) : null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server?.close();
    server?.closeAllConnections();
    await berth.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main(process.argv[2] ?? 'start').catch((e) => {
  const err = asBerthError(e);
  process.stderr.write(`berth: ${err.code}: ${err.message}\n`);
  process.exit(1);
});
