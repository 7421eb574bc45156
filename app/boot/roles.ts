import http from 'node:http';
import type { Berth } from './create-berth';
import { createHttpApp } from '../http/create-http-app';
import { HOOK_SECRET_HEADER, hookResponseWriter, readHookRequest } from '../infra/git';

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
  // Builds stream for minutes: no request timeout on this server.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(berth.config.port, berth.config.host, () => resolve());
  });
  log(`web listening on http://${berth.config.host}:${berth.config.port}`);
  return server;
}

export async function startWorker(berth: Berth, log: Log): Promise<void> {
  const failed = await berth.builds.recoverAfterCrash();
  if (failed > 0) log(`marked ${failed} build(s) failed that were running when berth stopped`);
  await berth.engine.ensureNetwork(berth.config.network);
  await berth.router.start();
  await berth.redis.queue.startWorker(berth.runner.handle, berth.config.buildConcurrency);
  log(`worker processing builds (concurrency ${berth.config.buildConcurrency})`);
}
