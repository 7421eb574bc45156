export type { ComposePlan, ComposeService, ComposeVolume, ComposeBuild, DependsCondition } from '../manifest/compose-plan';
export { parseCompose, findComposeFile, COMPOSE_FILES, type ParsedCompose } from './parse-compose';
export { composeContainer, startOrderOf, stopFirstTypes, composeImages, composeImageOf, ownImageTypes, oneShotTypes } from './compose-runtime';
