import assert from 'node:assert/strict';
import { NginxTemplates } from '../../../app/infra/nginx/templates';

/** own.conf.njk: berth's own address. Plain HTTP only redirects (or 503 while no certificate exists). */
describe('router rendering: berth\'s own address (ownConf)', () => {
  const view = {
    hostname: 'berth.example.com', listen: '0.0.0.0:80', httpsListen: '0.0.0.0:443', redirectSuffix: '',
    upstream: '127.0.0.1:8380', hopSecret: 'hop-secret-1', tls: null,
  };

  it('without a certificate: HTTP answers ACME challenges and 503, and there is no HTTPS server', () => {
    const conf = new NginxTemplates().ownConf(view);
    assert.match(conf, /^  listen 0\.0\.0\.0:80;$/m);
    assert.match(conf, /^  server_name berth\.example\.com;$/m);
    assert.match(conf, /^    return 503;$/m);
    assert.doesNotMatch(conf, /return 301|ssl_certificate|proxy_pass|hop-secret-1/);
  });

  it('with a certificate: HTTP redirects to HTTPS, which proxies to berth with the hop secret', () => {
    const conf = new NginxTemplates().ownConf({ ...view, redirectSuffix: ':8443', tls: { cert: '/tls/own.crt', key: '/tls/own.key' } });
    assert.match(conf, /^    return 301 https:\/\/berth\.example\.com:8443\$request_uri;$/m);
    assert.match(conf, /^  listen 0\.0\.0\.0:443 ssl http2;$/m);
    assert.match(conf, /^  ssl_certificate \/tls\/own\.crt;$/m);
    assert.match(conf, /^  ssl_certificate_key \/tls\/own\.key;$/m);
    assert.match(conf, /^    proxy_pass http:\/\/127\.0\.0\.1:8380;$/m);
    assert.match(conf, /^    proxy_set_header X-Berth-Router hop-secret-1;$/m);
    assert.doesNotMatch(conf, /return 503/);
  });
});
