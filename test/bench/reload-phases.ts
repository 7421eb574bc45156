/**
 * Where a reload's time goes, side by side (scale bench): the SIGHUP reload berth used before and
 * the fresh master it uses now (app/infra/nginx/reload.ts), each from the signal until new workers
 * exist and until the old ones stopped accepting; and the scratch `nginx -t` of one app's file
 * (now run only when nginx refuses a batch). Alternating order, median and spread of the rounds.
 */
import path from 'node:path';
import { nginxPaths } from '../../app/infra/nginx/paths';
import { isAlive, runningMaster, workersOf } from '../../app/infra/nginx/processes';
import { checkAlone } from '../../app/infra/nginx/scratch-check';
import { median } from './bench-types';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ReloadPhases {
  readonly rounds: number;
  /** SIGHUP: until a new worker exists; until every old one is shutting down. */
  readonly hupNew: Spread;
  readonly hupRetired: Spread;
  /** SIGUSR2 + SIGQUIT: until the new master has workers; until the old master's are shutting down. */
  readonly freshNew: Spread;
  readonly freshRetired: Spread;
  readonly scratchCheck: Spread;
}

const spread = (xs: number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every millisecond (not the router's 5 ms): this measures nginx, not the poll. */
async function until(check: () => boolean, timeoutMs = 15_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('nginx did not get there in 15 s');
    await sleep(1);
  }
  return performance.now();
}

async function hup(pidFile: string, conf: string): Promise<[number, number]> {
  const m = runningMaster(pidFile, conf)!;
  const before = new Set(workersOf(m).map((w) => w.pid));
  const s = performance.now();
  process.kill(m, 'SIGHUP');
  const fresh = await until(() => workersOf(m).some((w) => !before.has(w.pid)));
  const retired = await until(() => workersOf(m).every((w) => !before.has(w.pid) || w.shuttingDown));
  return [fresh - s, retired - s];
}

async function freshMaster(pidFile: string, conf: string): Promise<[number, number]> {
  const m = runningMaster(pidFile, conf)!;
  const s = performance.now();
  process.kill(m, 'SIGUSR2');
  const fresh = await until(() => {
    const n = runningMaster(pidFile, conf);
    return n !== null && n !== m && workersOf(n).length > 0;
  });
  process.kill(m, 'SIGQUIT');
  const retired = await until(() => !isAlive(m) || workersOf(m).every((w) => w.shuttingDown));
  return [fresh - s, retired - s];
}

/** On the running master of the router in `dir` (its old master gone), with `appConf` one app's file. */
export async function reloadPhases(dir: string, app: string, rounds = 6): Promise<ReloadPhases> {
  const paths = nginxPaths(dir);
  const r = { hupNew: [] as number[], hupRetired: [] as number[], freshNew: [] as number[], freshRetired: [] as number[], scratchCheck: [] as number[] };
  for (let k = 0; k < rounds; k++) {
    for (const way of k % 2 === 0 ? ['hup', 'fresh'] : ['fresh', 'hup']) {
      await sleep(300); // the previous old workers gone
      if (way === 'hup') {
        const [n, o] = await hup(paths.pidFile, paths.conf);
        r.hupNew.push(n);
        r.hupRetired.push(o);
      } else {
        const [n, o] = await freshMaster(paths.pidFile, paths.conf);
        r.freshNew.push(n);
        r.freshRetired.push(o);
      }
    }
    const s = performance.now();
    const c = await checkAlone({ nginxBin: 'nginx', paths, timeoutMs: 15_000 }, [path.join(paths.appsDir, `${app}.conf`)]);
    if (!c.ok) throw new Error(c.output);
    r.scratchCheck.push(performance.now() - s);
  }
  return {
    rounds, hupNew: spread(r.hupNew), hupRetired: spread(r.hupRetired), freshNew: spread(r.freshNew),
    freshRetired: spread(r.freshRetired), scratchCheck: spread(r.scratchCheck),
  };
}
