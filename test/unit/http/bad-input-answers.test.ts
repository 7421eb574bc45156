import assert from 'node:assert/strict';
import { CATALOGUE, STATUS_FOR_KIND, type CatalogueEntry } from '../../../app/errors';
import { apiEndpoints, keyOf, listEndpoints, paramsOf, resourceOf } from '../../support/api-routes';
import {
  BAD_PARAM, BAD_PARAM_EXCEPTIONS, DASHBOARD_FORM_BAD_PARAM, DASHBOARD_PAGE_BAD_PARAM, DASHBOARD_PAGE_EXCEPTIONS, EMPTY_BODY,
  QUERY_ANSWERS, WEIRD_VALUES, type Answer, type NotSent,
} from '../../integration/bad-input-answers';

/**
 * The bad-input sweep's tables (test/integration/bad-input-answers.ts) against the routes the
 * express app registers: every route has its one expected answer, and no entry outlives its route.
 */
describe('bad-input answer tables cover exactly the registered API routes', () => {
  const routes = apiEndpoints();
  const keys = new Set(routes.map(keyOf));
  const changing = routes.filter((e) => e.method !== 'GET').map(keyOf);

  it('EMPTY_BODY has an entry for every changing API route, and none for a route that is gone', () => {
    assert.deepEqual(changing.filter((k) => !(k in EMPTY_BODY)), [], 'routes without their answer to {} (add them to EMPTY_BODY)');
    assert.deepEqual(Object.keys(EMPTY_BODY).filter((k) => !changing.includes(k)), [], 'EMPTY_BODY entries for routes that are gone');
  });

  it('BAD_PARAM names what every path parameter of every API route names', () => {
    const resources = new Set(routes.flatMap((e) => paramsOf(e.path).map((p) => resourceOf(e.path, p))));
    assert.deepEqual([...resources].filter((r) => !(r in BAD_PARAM)), [], 'parameters without their answer (add them to BAD_PARAM)');
    assert.deepEqual(Object.keys(BAD_PARAM).filter((r) => !resources.has(r)), [], 'BAD_PARAM entries no route uses');
  });

  it('each exception names a route, one of its parameters and (if any) a WEIRD_VALUES value', () => {
    for (const k of Object.keys(BAD_PARAM_EXCEPTIONS)) {
      const m = /^(\S+ \S+) :(\w+)(?:=(\w+))?$/.exec(k);
      assert.ok(m, `malformed key ${k}`);
      assert.ok(keys.has(m[1]), `${k}: no such route`);
      assert.ok(paramsOf(m[1].split(' ')[1]).includes(m[2]), `${k}: the route has no :${m[2]}`);
      if (m[3] !== undefined) assert.ok(m[3] in WEIRD_VALUES, `${k}: no value named ${m[3]}`);
      assert.notDeepEqual(BAD_PARAM_EXCEPTIONS[k], BAD_PARAM[resourceOf(m[1].split(' ')[1], m[2])], `${k} repeats BAD_PARAM's answer`);
    }
  });

  it('the dashboard tables name what every parameter of its pages and forms names, and nothing else', () => {
    // /hooks/<provider>/<app> is the forges' endpoint, not a dashboard form: any bad parameter is an unverified delivery (401, test/unit/forge).
    const dash = listEndpoints().filter((e) => !e.path.startsWith('/api/') && !e.path.startsWith('/hooks/') && paramsOf(e.path).length > 0);
    const of = (method: string) => new Set(dash.filter((e) => (method === 'GET') === (e.method === 'GET')).flatMap((e) => paramsOf(e.path).map((p) => resourceOf(e.path, p))));
    assert.deepEqual([...of('GET')].filter((r) => !(r in DASHBOARD_PAGE_BAD_PARAM)), [], 'page parameters without their answer (DASHBOARD_PAGE_BAD_PARAM)');
    assert.deepEqual(Object.keys(DASHBOARD_PAGE_BAD_PARAM).filter((r) => !of('GET').has(r)), [], 'DASHBOARD_PAGE_BAD_PARAM entries no page uses');
    assert.deepEqual([...of('POST')].filter((r) => !(r in DASHBOARD_FORM_BAD_PARAM)), [], 'form parameters without their answer (DASHBOARD_FORM_BAD_PARAM)');
    assert.deepEqual(Object.keys(DASHBOARD_FORM_BAD_PARAM).filter((r) => !of('POST').has(r)), [], 'DASHBOARD_FORM_BAD_PARAM entries no form uses');
    const keys = new Set(dash.map(keyOf));
    for (const k of Object.keys(DASHBOARD_PAGE_EXCEPTIONS)) assert.ok(keys.has(k.split(' :')[0]), `${k}: no such page`);
  });

  it('QUERY_ANSWERS names GET routes only', () => {
    assert.deepEqual(Object.keys(QUERY_ANSWERS).filter((k) => !k.startsWith('GET ') || !keys.has(k)), []);
  });

  it('every expected error code is in the catalogue with that status, and every reason not to send is given', () => {
    const answers: Answer[] = [
      ...Object.values(EMPTY_BODY).filter((a): a is Answer => !('notSent' in a)),
      ...Object.values(BAD_PARAM), ...Object.values(BAD_PARAM_EXCEPTIONS), ...Object.values(QUERY_ANSWERS),
      ...Object.values(DASHBOARD_PAGE_BAD_PARAM), ...Object.values(DASHBOARD_PAGE_EXCEPTIONS),
    ];
    for (const [code, status] of answers) {
      if (code === null) { assert.ok(status >= 200 && status < 300, `a success answer with status ${status}`); continue; }
      const entry = (CATALOGUE as Record<string, CatalogueEntry>)[code];
      assert.ok(entry, `${code} is not in the catalogue`);
      assert.equal(STATUS_FOR_KIND[entry.kind], status, `${code} answers ${STATUS_FOR_KIND[entry.kind]}, not ${status}`);
    }
    for (const [k, v] of Object.entries(EMPTY_BODY)) if ('notSent' in v) assert.ok((v as NotSent).notSent.length > 10, `${k}: say why it is not sent`);
  });
});
