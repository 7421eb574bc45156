export { DomainsService, type DomainsReport } from './domains-service';
export { RoutingService, type NginxReport } from './routing-service';
export { RoutedRouter, storedRouteExtras, type RouteExtras } from './routed-router';
export { normalizeHostname } from './hostname';
export { parsePortMapping, formatPortMapping, detectPortMappings } from './port-mapping';
export { NGINX_SETTINGS, LETSENCRYPT_KEY, LETSENCRYPT_EMAIL_KEY, RAW_TEMPLATE_KEY } from './router-settings';
export { PublishingRouter } from './publishing-router';
export { RouterAgent, type RouterAgentDeps } from './router-agent';
export { routerReport, routerRow, routersOf, type RouterReport, type RouterRow } from './router-status';
