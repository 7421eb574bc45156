export { BerthError, isBerthError, asBerthError } from './berth-error';
export { CATALOGUE, type ErrorCode, type CatalogueEntry } from './catalogue';
export type { ErrorKind } from './kinds';
export { STATUS_FOR_KIND } from './status-for-kind';
export { renderErrorsDoc } from './errors-doc';
