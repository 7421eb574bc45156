export { BuildsService, type EnqueueRequest } from './builds-service';
export { BuildRunner } from './build-runner';
export { ImageBuilder } from './image-builder';
export { ReleaseMaker } from './release-maker';
export { PushReceiver, type PushOutput } from './push-receiver';
export { detectBuilder } from './detect-builder';
export { saveArchive } from './archive-upload';
export { describeBuild } from './build-description';
export { RuntimeImageCache, type VersionSource } from './runtime-images';
