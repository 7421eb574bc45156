import type { MetricsHistory, MetricsRange } from '../../metrics';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (v: number | null) => (v === null ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

function lastOf(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

/** The values the metrics panel prints beside its charts (and without JavaScript): the range's totals, each process's latest sample. */
export function metricsPanel(h: MetricsHistory) {
  const t = h.requests.total;
  const seconds = h.t.length * h.step;
  return {
    range: h.range as MetricsRange,
    ranges: ['1h', '24h', '7d'] as const,
    step: h.step,
    stepText: h.step < 60 ? `${h.step} s` : `${h.step / 60} min`,
    requests: {
      total: t.requests, s2xx: t.s2xx, s3xx: t.s3xx, s4xx: t.s4xx, s5xx: t.s5xx,
      perSecond: (t.requests / seconds).toFixed(t.requests / seconds < 10 ? 2 : 0), p50: ms(t.p50), p95: ms(t.p95),
    },
    processes: h.processes.map((p) => {
      const memory = lastOf(p.memory);
      const cpu = lastOf(p.cpu);
      return {
        process: p.process,
        cpu: cpu === null ? '—' : `${cpu.toFixed(1)}%`,
        memory: memory === null ? '—' : `${mib(memory)} of ${p.memoryLimit === null ? 'no limit' : mib(p.memoryLimit)}`,
        restarts: p.restarts.reduce<number>((s, v) => s + (v ?? 0), 0),
      };
    }),
  };
}
