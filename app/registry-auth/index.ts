export { RegistryLogins, registryOf } from './registry-logins';
