import type { HttpServices } from '../http-services';
import type { ContainerInfo, ContainerStats } from '../../ports/container-engine';
import { LABEL } from '../../naming/container-names';
import { sparkline } from './sparkline';

/** Containers the app page asks docker about at most, and how long it waits for their figures. */
const MAX_LIVE = 10;
const LIVE_WAIT_MS = 4000;
const SPARK = { width: 120, height: 24 };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * "of 512.0 MiB": the limit docker holds for the container (HostConfig.Memory, from ps:report's
 * inspect), not the sample's — a container without a limit samples the host's whole memory.
 */
function memoryText(used: number, limitMb: number | null | undefined): string {
  if (limitMb === undefined) return mib(used);
  return `${mib(used)} of ${limitMb === null ? 'no limit' : mib(limitMb * 1024 * 1024)}`;
}

/**
 * Per running container: CPU and memory now (docker stats) against its limit (`limitsMb` by short
 * id; null: none) and the last hour's sampler history as SVG points.
 */
export async function appResources(berth: Pick<HttpServices, 'containers' | 'statsSampler'>, containers: readonly ContainerInfo[], limitsMb: ReadonlyMap<string, number | null>) {
  const running = containers.filter((c) => c.state === 'running').slice(0, MAX_LIVE);
  // docker stats takes a second or two per call: a container the sampler has seen shows its latest
  // sample; only new ones are asked live, so the page stays fast.
  const now: Array<ContainerStats | null> = await Promise.all(running.map((c) => {
    const latest = berth.statsSampler.samplesOf(c.id).at(-1);
    return latest ? Promise.resolve(latest) : within(berth.containers.stats(c.id).catch(() => null), LIVE_WAIT_MS);
  }));
  return running.map((c, i) => {
    const history = berth.statsSampler.samplesOf(c.id);
    const s = now[i];
    return {
      id: c.id.slice(0, 12),
      name: c.name,
      process: c.labels[LABEL.process] ?? '',
      cpu: s ? `${s.cpuPercent.toFixed(1)}%` : null,
      memory: s ? memoryText(s.memoryBytes, limitsMb.get(c.id.slice(0, 12))) : null,
      samples: history.length,
      cpuPoints: sparkline(history.map((h) => h.cpuPercent), { ...SPARK, max: 100 }),
      memoryPoints: sparkline(history.map((h) => h.memoryBytes), SPARK),
      spark: SPARK,
    };
  });
}
