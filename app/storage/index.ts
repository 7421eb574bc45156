export { StorageService, type MountView } from './storage-service';
export { parseMountSpec, legacyVolumeName, type ParsedMount } from './mount-spec';
