import crypto from 'node:crypto';

/**
 * berth's names for what it makes on the engine (issue 18: one place, in app/naming): container labels,
 * container names `berth.<app>.<process>.<n>.<deploy id>` and the image repo `berth/<app>`.
 */

/** Labels every berth container carries; `berth.scope` keeps several berths on one engine apart. */
export const LABEL = {
  app: 'berth.app',
  process: 'berth.process',
  release: 'berth.release',
  scope: 'berth.scope',
  deploy: 'berth.deploy',
} as const;

export function containerName(app: string, process: string, index: number, deployId: string): string {
  return `berth.${app}.${process}.${index}.${deployId}`;
}

export const newDeployId = (): string => crypto.randomBytes(3).toString('hex');

export const imageRepo = (app: string): string => `berth/${app}`;

/** The slot number in a container's name (`berth.<app>.<process>.<n>.<deploy>`), or 0 when it has none. */
export function slotOf(name: string): number {
  const n = Number(name.split('.')[3]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
