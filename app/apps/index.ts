export { AppsService, type AppResources, type AppInfo } from './apps-service';
export { assertAppName } from './app-name';
export { AppSettings } from './app-settings';
export type { AppsReader } from './apps-reader';
export { appNetworkName, appVolumeName } from './resource-names';
