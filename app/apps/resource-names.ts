/**
 * Docker resources that belong to one app are named by its stable id, never by its name: a rename
 * keeps them, and a new app that takes an old name (or a name like `svc`) can never adopt them.
 */

/** The app's own bridge network: its containers and the services linked to it, nothing else. */
export const appNetworkName = (scope: string, appId: string): string => `${scope}-${appId}`;

/** A named volume of the app (`storage:mount <name>:/path`). Service volumes are `berth-svc-…`: no overlap. */
export const appVolumeName = (appId: string, name: string): string => `berth-app-${appId}-${name}`;
