export { NpmVersions } from './npm-versions';
