export { s3Objects } from './s3-objects';
