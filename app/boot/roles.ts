import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { BerthError, asBerthError, isBerthError } from '../errors';
import type { Berth } from './create-berth';
import { createHttpApp } from '../http/create-http-app';
import { execUpgradeHandler } from '../http/routes/run-routes';
import { HOOK_SECRET_HEADER, hookResponseWriter, readHookRequest } from '../infra/git';
import { startSshOrWarn } from './ssh-boot';
import { httpServicesOf } from './http-services';
import { watchCertificates } from '../notifications';
import { bootedSinceLastStart } from './boot-marker';
import { BERTH_JOB_APP } from '../backups';

export type Log = (line: string) => void;

/**
 * Waits until the services berth needs answer, up to BERTH_START_WAIT seconds, then throws the
 * last refusal (its message says how to start what is missing). At boot berth may start before
 * dockerd and Redis answer: systemd's After= orders the starts but does not wait for readiness,
 * and a host without systemd orders nothing. Exiting then would leave every app unrouted.
 */
export async function checkDependencies(berth: Berth, log: Log = () => undefined, stepMs = 1000): Promise<void> {
  const deadline = Date.now() + berth.config.startWaitSeconds * 1000;
  let waitingFor = '';
  for (;;) {
    try {
      await berth.engine.ping();
      await berth.redis.ping();
      if (waitingFor) log('the Docker Engine and Redis answer: starting');
      return;
    } catch (e) {
      if (Date.now() + stepMs > deadline) throw e;
      const why = asBerthError(e).message;
      if (why !== waitingFor) log(`waiting up to ${berth.config.startWaitSeconds} s (BERTH_START_WAIT) for: ${why}`);
      waitingFor = why;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

export async function startWeb(berth: Berth, log: Log): Promise<http.Server> {
  const codec = {
    read: (body: unknown) => readHookRequest(body, { snapshotsDir: berth.paths.snapshots }),
    writer: hookResponseWriter,
    secretHeader: HOOK_SECRET_HEADER,
  };
  const services = httpServicesOf(berth);
  const app = createHttpApp(services, { codec, log });
  const upgrade = execUpgradeHandler(services, log);
  // With an own address (BERTH_HOSTNAME) the router is the way in: this port answers loopback only,
  // so nobody reaches it around TLS or around the one trusted proxy hop.
  const loopbackOnly = berth.config.hostname !== null;
  const server = http.createServer((req, res) => {
    if (loopbackOnly && !isLoopback(req.socket.remoteAddress)) { refuseNonLoopback(res, berth.ownAddress.baseUrl()); return; }
    app(req, res);
  });
  // berth run / berth enter: an HTTP Upgrade to a raw two-way socket.
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (loopbackOnly && !isLoopback(req.socket.remoteAddress)) { socket.destroy(); return; }
    upgrade(req, socket, head);
  });
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
  // Log drains follow app output here too (the same streams `berth logs -t` reads) and forward it.
  berth.logDrainer.start();
  server.once('close', () => berth.logDrainer.stop());
  if (ssh) server.once('close', () => { void ssh.close(); });
  return server;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function refuseNonLoopback(res: http.ServerResponse, baseUrl: string | null): void {
  const err = new BerthError('LOOPBACK_ONLY', `berth's web port answers this host only; use ${baseUrl}/ instead.`);
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: err.code, message: err.message } }));
}

export async function startWorker(berth: Berth, log: Log): Promise<void> {
  const failed = await berth.builds.recoverAfterCrash();
  if (failed > 0) log(`marked ${failed} build(s) failed that were running when berth stopped`);
  await berth.engine.ensureNetwork(berth.config.network);
  berth.storage.adoptLegacyFolders(log);
  await berth.router.start();
  // berth's own address (BERTH_HOSTNAME) on the router, with its certificate (renewed with the apps' below).
  // An ACME server that does not answer must not keep berth down: the renewal check tries again.
  await berth.ownAddress.apply(log).catch((e: unknown) => {
    if (!isBerthError(e) || e.code !== 'ACME_FAILED') throw e;
    log(`berth's own address: ${e.message}; plain HTTP answers ACME challenges only until a later check gets a certificate`);
  });
  // ACME renewals: a check at start and every BERTH_ACME_CHECK_INTERVAL (daily), renewing < BERTH_ACME_RENEW_DAYS before expiry.
  berth.letsencrypt.schedule(berth.config.acmeCheckIntervalSeconds * 1000, log);
  // Checked at most every 5 minutes (reading one file): a certificate the ACME server refused at start is asked for again soon.
  setInterval(() => { void berth.ownAddress.renewDue(log).catch((e: Error) => log(`own address: renewal failed: ${e.message}`)); },
    Math.min(berth.config.acmeCheckIntervalSeconds, 300) * 1000).unref();
  await berth.redis.queue.startWorker(berth.runner.handle, berth.config.buildConcurrency);
  log(`worker processing builds (concurrency ${berth.config.buildConcurrency})`);
  await berth.cron.startWorker(berth.config.buildConcurrency);
  // Notifications: deliveries with retries, and a look at certificates about to expire with the renewal check's rhythm.
  await berth.notifications.startWorker();
  watchCertificates({ list: () => berth.certs.list(), notify: (e) => berth.notifications.notify(e), intervalMs: berth.config.acmeCheckIntervalSeconds * 1000 });
  // One backup at a time: each streams a whole dump through gzip and the disk.
  // berth's own backup (daily by default) on the same queue, so it never runs beside a service's.
  await berth.berthBackups.sync();
  await berth.serviceBackups.startWorker(1, { [BERTH_JOB_APP]: berth.berthBackups.handle });
  // After a host boot the first passes start what dockerd did not (restart policy `no`/`on-failure`).
  const afterBoot = bootedSinceLastStart(berth.config.bootIdFile, path.join(berth.config.home, 'run', 'boot-id'));
  if (afterBoot) log('the host booted since berth last ran: every app that is not stopped is started, whatever its restart policy');
  berth.reconciler.start(log, { afterBoot });
  berth.liveness.start(log);
  berth.swarmWatcher.start(log);
  // Releases deployed in the last window (default 5 min) are watched; a restart resumes the watches in SQLite.
  berth.deployWatch.start(log);
  // Disk hygiene: the disk watch every 10 minutes, `berth cleanup` every BERTH_CLEANUP_INTERVAL.
  berth.housekeeping.schedule({ checkMs: 10 * 60_000, cleanupMs: berth.config.cleanupIntervalSeconds * 1000 }, log);
  log(`reconciling containers every ${berth.config.reconcileIntervalSeconds} s`);
}
