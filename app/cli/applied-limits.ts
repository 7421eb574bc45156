/** How the CLI words the limits that apply to an app's containers (the API's `applied`). */
import type { AppliedLimits } from '../api-contract';

export type { AppliedLimits };

// An older berth answers without `applied`: its own settings are all the CLI knows then.
const DEFAULT = " (berth's default)";

/** "512 MB (berth's default)", "256 MB" or "unlimited": what applies, not only what the app set. */
export function appliedMemory(r: { memoryMb: number | null; applied?: AppliedLimits }): string {
  const mb = r.applied ? r.applied.memoryMb : r.memoryMb;
  if (mb === null) return 'unlimited';
  return `${mb} MB${r.applied?.memoryFrom === 'default' ? DEFAULT : ''}`;
}

export function appliedCpus(r: { cpus: number | null; applied?: AppliedLimits }): string {
  const cpus = r.applied ? r.applied.cpus : r.cpus;
  if (cpus === null) return 'unlimited';
  return `${cpus}${r.applied?.cpusFrom === 'default' ? DEFAULT : ''}`;
}
