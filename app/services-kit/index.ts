export type { ServiceDescriptor, ServiceHandle, Credentials, RestoreReport } from './descriptor';
export { defaultUrl } from './descriptor';
export type { ServiceCatalog, ServicePlugin } from './catalog';
export { ServiceKit, type ServiceInfo, type ServiceKitDeps } from './service-kit';
export { ServiceLinks, type LinkResult, type Redeploy } from './service-links';
export { ServiceBackup, requireSuccess } from './service-backup';
export { verifyInScratch, scratchNameOf, SCRATCH_LABEL, type ScratchResult } from './scratch-restore';
export { prepareConnect } from './service-connect';
export { SwarmRuntime, type SwarmRuntimeDeps } from './swarm-runtime';
export { SWARM_SERVICE_PORTS } from './swarm-placement';
export { checkServiceName, containerNameOf, volumeNameOf, SERVICE_LABEL } from './names';

/** Every action a service plugin gets for free, as `<plugin>:<action>` verbs and API routes. */
export const SERVICE_ACTIONS = [
  'create', 'info', 'list', 'link', 'unlink', 'logs', 'stop', 'start', 'restart',
  'expose', 'unexpose', 'export', 'import', 'connect', 'destroy', 'upgrade',
] as const;
export type ServiceAction = typeof SERVICE_ACTIONS[number];
