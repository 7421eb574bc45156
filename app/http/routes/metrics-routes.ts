import { prometheusText } from '../../metrics';
import type { HttpServices } from '../http-services';
import { tokenOf } from '../auth-middleware';
import { need, strictRouter } from '../strict-router';

/**
 * Prometheus' scrape, at the path it asks by default. Outside the API's layer on purpose: a metrics
 * token (`tokens:create --scope metrics`) opens this and nothing else, and the API never accepts one.
 */
export function metricsRoutes(berth: HttpServices) {
  const r = strictRouter();
  r.get('/metrics', need.outside('Prometheus scrape: its own check, an admin\'s token or a metrics token (UsersService.authorizeMetrics)'), async (req, res) => {
    berth.users.authorizeMetrics(tokenOf(req));
    const { contentType, body } = await prometheusText(await berth.metrics());
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(body);
  });
  return r;
}
