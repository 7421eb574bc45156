export { ConfigVarsService, type ConfigChange } from './config-vars-service';
export { assertConfigKey } from './config-key';
