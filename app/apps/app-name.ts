// The rule lives in app/naming (shared vocabulary: infra checks names with it too).
export { assertAppName, isAppName } from '../naming';
