export { StorageService, type MountView } from './storage-service';
export { parseMountSpec, volumeName, type ParsedMount } from './mount-spec';
