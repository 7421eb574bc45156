export type { ComposePlan, ComposeService, ComposeVolume, DependsCondition } from './compose-plan';
export { parseCompose, findComposeFile, COMPOSE_FILES, type ParsedCompose } from './parse-compose';
export { composeContainer, startOrderOf, stopFirstTypes, composeImages } from './compose-runtime';
