export { RegistryLogins, registryOf } from './registry-logins';
export { isOwnAddress } from './own-address';
