export { assertAppName, isAppName } from './app-name';
