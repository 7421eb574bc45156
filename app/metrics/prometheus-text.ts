import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsFacts } from './metrics-facts';

/** Seconds from a build's start to its end: a cached Dockerfile rebuild to a cold buildpack build. */
const BUILD_BUCKETS = [5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/**
 * The Prometheus text exposition of one scrape. A fresh registry each time: every number is read
 * from berth's state now (the builds table, docker, the sampler), so a destroyed app's series go
 * away with it and nothing is kept between scrapes in this process (the worker may be another one).
 */
export async function prometheusText(f: MetricsFacts): Promise<{ contentType: string; body: string }> {
  const registers = [new Registry()];
  const appStatus = new Gauge({ name: 'berth_app_status', help: 'One series per app with value 1, labelled with its status word (running, degraded, crashing, deploying, failed, stopped, not deployed).', labelNames: ['app', 'status'], registers });
  const release = new Gauge({ name: 'berth_app_release', help: 'The version of the release an app serves (absent: none).', labelNames: ['app'], registers });
  for (const a of f.apps) {
    appStatus.set({ app: a.app, status: a.status }, 1);
    if (a.release !== null) release.set({ app: a.app }, a.release);
  }
  const desired = new Gauge({ name: 'berth_process_desired', help: 'Containers of a process type the formation asks for.', labelNames: ['app', 'process'], registers });
  const running = new Gauge({ name: 'berth_process_running', help: 'Containers of a process type running now.', labelNames: ['app', 'process'], registers });
  for (const p of f.processTypes) {
    desired.set({ app: p.app, process: p.process }, p.desired);
    running.set({ app: p.app, process: p.process }, p.running);
  }
  const labels = ['app', 'process', 'container'] as const;
  const cpu = new Gauge({ name: 'berth_container_cpu_percent', help: 'CPU use at the last sample, percent of one core (BERTH_STATS_INTERVAL apart).', labelNames: labels, registers });
  const memory = new Gauge({ name: 'berth_container_memory_bytes', help: 'Memory use at the last sample.', labelNames: labels, registers });
  const limit = new Gauge({ name: 'berth_container_memory_limit_bytes', help: 'The memory limit docker holds at the last sample.', labelNames: labels, registers });
  const restarts = new Counter({ name: 'berth_container_restarts_total', help: 'Restarts by docker\'s restart policy since the container was created.', labelNames: labels, registers });
  for (const c of f.containers) {
    const l = { app: c.app, process: c.process, container: c.container };
    restarts.inc(l, c.restarts);
    if (c.cpuPercent !== null) cpu.set(l, c.cpuPercent);
    if (c.memoryBytes !== null) memory.set(l, c.memoryBytes);
    if (c.memoryLimitBytes !== null) limit.set(l, c.memoryLimitBytes);
  }
  const requests = new Gauge({ name: 'berth_app_requests_last_hour', help: 'Requests the router passed to the app in the last hour (its access log, folded by the metrics history), by status class; class="all" counts every one.', labelNames: ['app', 'class'], registers });
  const latency = new Gauge({ name: 'berth_app_request_latency_seconds_last_hour', help: 'The app\'s request latency over the last hour at the router, by quantile (0.5, 0.95).', labelNames: ['app', 'quantile'], registers });
  for (const r of f.requests ?? []) {
    requests.set({ app: r.app, class: 'all' }, r.requests);
    for (const c of ['2xx', '3xx', '4xx', '5xx'] as const) requests.set({ app: r.app, class: c }, r[`s${c}`]);
    if (r.p50 !== null) latency.set({ app: r.app, quantile: '0.5' }, r.p50 / 1000);
    if (r.p95 !== null) latency.set({ app: r.app, quantile: '0.95' }, r.p95 / 1000);
  }
  const builds = new Histogram({ name: 'berth_build_duration_seconds', help: 'Finished deploy jobs (push, image, rollback, config, …) from start to end, by app, kind and outcome.', labelNames: ['app', 'kind', 'status'], buckets: BUILD_BUCKETS, registers });
  for (const b of f.builds.finished) builds.observe({ app: b.app, kind: b.kind, status: b.status }, b.seconds);
  new Gauge({ name: 'berth_build_queue_depth', help: 'Deploy jobs waiting for their turn.', registers }).set(f.builds.queued);
  new Gauge({ name: 'berth_builds_running', help: 'Deploy jobs running now.', registers }).set(f.builds.running);
  return { contentType: registers[0].contentType, body: await registers[0].metrics() };
}
