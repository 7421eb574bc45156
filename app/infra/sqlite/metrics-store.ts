import type Database from 'better-sqlite3';
import type { MetricsStore, ProcessBucket, RequestBucket } from '../../ports/metrics-store';

interface ProcessRow {
  app: string; process: string; step: number; at: number; samples: number; cpu_sum: number;
  memory_sum: number; memory_max: number; memory_limit: number | null; restarts: number; containers: number;
}
interface RequestRow { app: string; step: number; at: number; requests: number; s2xx: number; s3xx: number; s4xx: number; s5xx: number; latency: string }

const toProcess = (r: ProcessRow): ProcessBucket => ({
  app: r.app, process: r.process, step: r.step, at: r.at, samples: r.samples, cpuSum: r.cpu_sum,
  memorySum: r.memory_sum, memoryMax: r.memory_max, memoryLimit: r.memory_limit, restarts: r.restarts, containers: r.containers,
});

function mergeLatency(a: string, b: Readonly<Record<number, number>>): string {
  const out = JSON.parse(a) as Record<string, number>;
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return JSON.stringify(out);
}

export function sqliteMetricsStore(db: Database.Database): MetricsStore {
  // Buckets of an app that is gone (destroyed, renamed away between the sample and now) are dropped.
  const addProcess = db.prepare(`INSERT INTO metrics_processes (app, step, at, process, samples, cpu_sum, memory_sum, memory_max, memory_limit, restarts, containers)
    SELECT @app, @step, @at, @process, @samples, @cpuSum, @memorySum, @memoryMax, @memoryLimit, @restarts, @containers WHERE EXISTS (SELECT 1 FROM apps WHERE name = @app)
    ON CONFLICT (app, step, at, process) DO UPDATE SET samples = samples + excluded.samples, cpu_sum = cpu_sum + excluded.cpu_sum,
      memory_sum = memory_sum + excluded.memory_sum, memory_max = MAX(memory_max, excluded.memory_max), memory_limit = excluded.memory_limit,
      restarts = restarts + excluded.restarts, containers = excluded.containers`);
  const getRequest = db.prepare<[string, number, number], { latency: string }>('SELECT latency FROM metrics_requests WHERE app = ? AND step = ? AND at = ?');
  const addRequest = db.prepare(`INSERT INTO metrics_requests (app, step, at, requests, s2xx, s3xx, s4xx, s5xx, latency)
    SELECT @app, @step, @at, @requests, @s2xx, @s3xx, @s4xx, @s5xx, @latency WHERE EXISTS (SELECT 1 FROM apps WHERE name = @app)
    ON CONFLICT (app, step, at) DO UPDATE SET requests = requests + excluded.requests, s2xx = s2xx + excluded.s2xx, s3xx = s3xx + excluded.s3xx,
      s4xx = s4xx + excluded.s4xx, s5xx = s5xx + excluded.s5xx, latency = excluded.latency`);
  const processRows = db.prepare<[string, number, number], ProcessRow>('SELECT * FROM metrics_processes WHERE app = ? AND step = ? AND at >= ? ORDER BY at, process');
  const requestRows = db.prepare<[string, number, number], RequestRow>('SELECT * FROM metrics_requests WHERE app = ? AND step = ? AND at >= ? ORDER BY at');
  const pruneProcesses = db.prepare('DELETE FROM metrics_processes WHERE step = ? AND at < ?');
  const pruneRequests = db.prepare('DELETE FROM metrics_requests WHERE step = ? AND at < ?');
  return {
    addProcessBuckets(buckets) {
      db.transaction(() => { for (const b of buckets) addProcess.run(b); })();
    },
    addRequestBuckets(buckets) {
      db.transaction(() => {
        for (const b of buckets) {
          // The histogram is merged here: SQL cannot add two JSON maps key by key.
          const old = getRequest.get(b.app, b.step, b.at);
          addRequest.run({ ...b, latency: old ? mergeLatency(old.latency, b.latency) : JSON.stringify(b.latency) });
        }
      })();
    },
    processBuckets(app, step, since) {
      return processRows.all(app, step, since).map(toProcess);
    },
    requestBuckets(app, step, since) {
      return requestRows.all(app, step, since).map((r) => ({
        app: r.app, step: r.step, at: r.at, requests: r.requests, s2xx: r.s2xx, s3xx: r.s3xx, s4xx: r.s4xx, s5xx: r.s5xx,
        latency: JSON.parse(r.latency) as Record<number, number>,
      }));
    },
    prune(step, before) {
      return db.transaction(() => pruneProcesses.run(step, before).changes + pruneRequests.run(step, before).changes)();
    },
    cursor(name) {
      return db.prepare<[string], { identity: string; position: number }>('SELECT identity, position FROM metrics_cursors WHERE name = ?').get(name) ?? null;
    },
    setCursor(name, identity, position) {
      db.prepare('INSERT INTO metrics_cursors (name, identity, position) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET identity = excluded.identity, position = excluded.position')
        .run(name, identity, position);
    },
  };
}
