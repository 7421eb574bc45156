import assert from 'node:assert/strict';
import { normalizeHostname, parsePortMapping } from '../../../app/domains';
import { renderCustomTemplate } from '../../../app/infra/nginx/custom-template';
import { certCovers } from '../../../app/certs';

const code = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as { code: string }).code; }
  return 'none';
};

describe('router logic', () => {
  it('normalises hostnames and refuses anything that could escape a directive', () => {
    assert.equal(normalizeHostname('WWW.Example.TEST.'), 'www.example.test');
    assert.equal(normalizeHostname('*.example.test'), '*.example.test');
    for (const bad of ['a b', 'a;b', 'a{b', 'a"b', "a'b", 'a\nb', 'a..b', '.a', 'a.*.b', '$host', '', 'x'.repeat(254)]) {
      assert.equal(code(() => normalizeHostname(bad)), 'INVALID_DOMAIN', JSON.stringify(bad));
    }
  });

  it('parses port mappings', () => {
    assert.deepEqual(parsePortMapping('http:80:5000'), { scheme: 'http', hostPort: 80, containerPort: 5000 });
    for (const bad of ['http:80', 'udp:53:53', 'http:80:5000;', 'https:8443:5000', 'http:70000:1']) {
      assert.equal(code(() => parsePortMapping(bad)), 'INVALID_PORT_MAPPING', bad);
    }
  });

  it('substitutes {{ VAR }} only', () => {
    assert.equal(renderCustomTemplate('listen {{ HTTP_LISTEN }};', { HTTP_LISTEN: '80' }), 'listen 80;');
    for (const bad of ['{% if x %}', '{{ UNKNOWN }}', '{{ APP | upper }}', '{{ constructor.constructor("x")() }}', '{# c #}']) {
      assert.equal(code(() => renderCustomTemplate(bad, { APP: 'a' })), 'INVALID_NGINX_TEMPLATE', bad);
    }
  });

  it('matches certificate names with one wildcard label', () => {
    assert.ok(certCovers(['*.example.test'], 'a.example.test'));
    assert.ok(!certCovers(['*.example.test'], 'a.b.example.test'));
    assert.ok(certCovers(['example.test'], 'example.test'));
  });
});
