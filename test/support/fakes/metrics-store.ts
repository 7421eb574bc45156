import type { MetricsStore, ProcessBucket, RequestBucket } from '../../../app/ports/metrics-store';

/**
 * The MetricsStore port in memory, for unit tests, as infra/sqlite keeps it: buckets of an app that
 * does not exist are dropped, a bucket added to one of the same key sums into it (maxima kept, the
 * latest limit and container count, latency histograms merged bin by bin), an app's buckets follow
 * its rename and go with it. Which apps exist is the test's: `addApp`/`renameApp`/`removeApp`, or
 * every name when the store is made with `everyApp`. test/conformance/metrics-store.ts holds it and
 * SQLite's to one contract.
 */
export class InMemoryMetricsStore implements MetricsStore {
  private readonly apps = new Set<string>();
  private processes: ProcessBucket[] = [];
  private requests: RequestBucket[] = [];
  private readonly cursors = new Map<string, { identity: string; position: number }>();

  constructor(private readonly options: { readonly everyApp?: boolean } = {}) {}

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.processes = this.processes.map((b) => (b.app === from ? { ...b, app: to } : b));
    this.requests = this.requests.map((b) => (b.app === from ? { ...b, app: to } : b));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.processes = this.processes.filter((b) => b.app !== name);
    this.requests = this.requests.filter((b) => b.app !== name);
  }

  addProcessBuckets(buckets: readonly ProcessBucket[]): void {
    for (const b of buckets.filter((x) => this.exists(x.app))) {
      const i = this.processes.findIndex((o) => o.app === b.app && o.step === b.step && o.at === b.at && o.process === b.process);
      if (i < 0) { this.processes.push({ ...b }); continue; }
      const o = this.processes[i];
      this.processes[i] = {
        ...o, samples: o.samples + b.samples, cpuSum: o.cpuSum + b.cpuSum, memorySum: o.memorySum + b.memorySum,
        memoryMax: Math.max(o.memoryMax, b.memoryMax), memoryLimit: b.memoryLimit, restarts: o.restarts + b.restarts, containers: b.containers,
      };
    }
  }

  addRequestBuckets(buckets: readonly RequestBucket[]): void {
    for (const b of buckets.filter((x) => this.exists(x.app))) {
      const i = this.requests.findIndex((o) => o.app === b.app && o.step === b.step && o.at === b.at);
      if (i < 0) { this.requests.push({ ...b, latency: { ...b.latency } }); continue; }
      const o = this.requests[i];
      const latency: Record<number, number> = { ...o.latency };
      for (const [bin, n] of Object.entries(b.latency)) latency[Number(bin)] = (latency[Number(bin)] ?? 0) + n;
      this.requests[i] = {
        ...o, requests: o.requests + b.requests, s2xx: o.s2xx + b.s2xx, s3xx: o.s3xx + b.s3xx, s4xx: o.s4xx + b.s4xx, s5xx: o.s5xx + b.s5xx, latency,
      };
    }
  }

  processBuckets(app: string, step: number, since: number): ProcessBucket[] {
    return this.processes.filter((b) => b.app === app && b.step === step && b.at >= since)
      .sort((a, b) => a.at - b.at || (a.process < b.process ? -1 : a.process > b.process ? 1 : 0)).map((b) => ({ ...b }));
  }

  requestBuckets(app: string, step: number, since: number): RequestBucket[] {
    return this.requests.filter((b) => b.app === app && b.step === step && b.at >= since).sort((a, b) => a.at - b.at).map((b) => ({ ...b, latency: { ...b.latency } }));
  }

  prune(step: number, before: number): number {
    const old = (b: { step: number; at: number }) => b.step === step && b.at < before;
    const gone = this.processes.filter(old).length + this.requests.filter(old).length;
    this.processes = this.processes.filter((b) => !old(b));
    this.requests = this.requests.filter((b) => !old(b));
    return gone;
  }

  cursor(name: string): { identity: string; position: number } | null {
    const c = this.cursors.get(name);
    return c ? { ...c } : null;
  }

  setCursor(name: string, identity: string, position: number): void {
    this.cursors.set(name, { identity, position });
  }

  private exists(app: string): boolean { return this.options.everyApp === true || this.apps.has(app); }
}
