/**
 * Migration 25's tables, the metrics history's (app/metrics; sqlite/metrics-store.ts reads and writes
 * them): one row per app, tier (`step`, seconds) and bucket start (`at`, epoch seconds), sums that
 * later samples add to. A shipped migration is never edited: a change is a new version.
 */
export const METRICS_TABLES = `CREATE TABLE metrics_processes (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     step INTEGER NOT NULL,
     at INTEGER NOT NULL,
     process TEXT NOT NULL,
     samples INTEGER NOT NULL,
     cpu_sum REAL NOT NULL,
     memory_sum REAL NOT NULL,
     memory_max REAL NOT NULL,
     memory_limit REAL,
     restarts INTEGER NOT NULL,
     containers INTEGER NOT NULL,
     PRIMARY KEY (app, step, at, process)
   ) WITHOUT ROWID;
   CREATE INDEX metrics_processes_age ON metrics_processes (step, at);
   CREATE TABLE metrics_requests (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     step INTEGER NOT NULL,
     at INTEGER NOT NULL,
     requests INTEGER NOT NULL,
     s2xx INTEGER NOT NULL,
     s3xx INTEGER NOT NULL,
     s4xx INTEGER NOT NULL,
     s5xx INTEGER NOT NULL,
     latency TEXT NOT NULL,
     PRIMARY KEY (app, step, at)
   ) WITHOUT ROWID;
   CREATE INDEX metrics_requests_age ON metrics_requests (step, at);
   CREATE TABLE metrics_cursors (
     name TEXT PRIMARY KEY,
     identity TEXT NOT NULL,
     position INTEGER NOT NULL
   );`;
