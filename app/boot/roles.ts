import http from 'node:http';
import type { Berth } from './create-berth';
import { createHttpApp } from '../http/create-http-app';
import { execUpgradeHandler } from '../http/routes/run-routes';
import { HOOK_SECRET_HEADER, hookResponseWriter, readHookRequest } from '../infra/git';
import { startSshOrWarn } from './ssh-boot';

export type Log = (line: string) => void;

/** Checks the services berth needs, with a message that says how to start each one. */
export async function checkDependencies(berth: Berth): Promise<void> {
  await berth.engine.ping();
  await berth.redis.ping();
}

export async function startWeb(berth: Berth, log: Log): Promise<http.Server> {
  const codec = {
    read: (body: unknown) => readHookRequest(body, { snapshotsDir: berth.paths.snapshots }),
    writer: hookResponseWriter,
    secretHeader: HOOK_SECRET_HEADER,
  };
  const server = http.createServer(createHttpApp(berth, { codec, log }));
  // berth run / berth enter: an HTTP Upgrade to a raw two-way socket.
  server.on('upgrade', execUpgradeHandler(berth, log));
  // A request (headers and body) must arrive within an hour: long enough for a git push or an
  // archive upload on a slow link; responses (build logs, `logs -t`) may stream for longer.
  server.requestTimeout = 60 * 60_000;
  server.headersTimeout = 70_000;
  // Idle keep-alive connections stay open as long as nginx's default (65 s): clients that reuse
  // a connection after a pause then do not race the server closing it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(berth.config.port, berth.config.host, () => resolve());
  });
  log(`web listening on http://${berth.config.host}:${berth.config.port}`);
  // git push and commands over SSH (BERTH_SSH_PORT, 0 = off); it closes with the web server.
  const ssh = await startSshOrWarn(berth, log);
  // CPU and memory of app containers for the dashboard's app page, the last hour in memory.
  berth.statsSampler.start();
  server.once('close', () => berth.statsSampler.stop());
  if (ssh) server.once('close', () => { void ssh.close(); });
  return server;
}

export async function startWorker(berth: Berth, log: Log): Promise<void> {
  const failed = await berth.builds.recoverAfterCrash();
  if (failed > 0) log(`marked ${failed} build(s) failed that were running when berth stopped`);
  await berth.engine.ensureNetwork(berth.config.network);
  berth.storage.adoptLegacyFolders(log);
  await berth.router.start();
  // ACME renewals: a check at start and every BERTH_ACME_CHECK_INTERVAL (daily), renewing < BERTH_ACME_RENEW_DAYS before expiry.
  berth.letsencrypt.schedule(berth.config.acmeCheckIntervalSeconds * 1000, log);
  await berth.redis.queue.startWorker(berth.runner.handle, berth.config.buildConcurrency);
  log(`worker processing builds (concurrency ${berth.config.buildConcurrency})`);
  await berth.cron.startWorker(berth.config.buildConcurrency);
  berth.reconciler.start(log);
  berth.liveness.start(log);
  log(`reconciling containers every ${berth.config.reconcileIntervalSeconds} s`);
}
