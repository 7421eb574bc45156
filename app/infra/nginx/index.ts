import type { OwnAddressRouter, Router } from '../../ports/router';
import { NginxRouter } from './nginx-router';
import type { NginxRouterOptions } from './options';

export type { NginxRouterOptions } from './options';
export { NginxRouter } from './nginx-router';
export { repoTemplateReader, APP_TEMPLATE_FILE } from './repo-template';
export { checkAppTemplate } from './template-snippet';

/** The Router port on berth's own nginx master (not the distribution's nginx service). */
export function createNginxRouter(options: NginxRouterOptions): Router & OwnAddressRouter & { rotateLogs(maxBytes: number, o?: { dryRun?: boolean }): Promise<string[]> } {
  return new NginxRouter(options);
}
export { portInUse } from './port-probe';
export { nginxAppLogReader } from './app-logs';
export { nginxRequestLog, parseRequestLine, REQUEST_LOG_FILE } from './request-log';
