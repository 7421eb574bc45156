import assert from 'node:assert/strict';
import { checkRawListens } from '../../app/infra/nginx/raw-listen';

/** An app's raw server blocks listen only where berth would put the app (app/infra/nginx/raw-listen.ts). */
describe('raw nginx templates: listen lines', () => {
  const o = { app: 'shop', http: '127.0.0.1:8080', https: '127.0.0.1:8443', own: ['127.0.0.1:9001'] };
  const where = "{{ HTTP_LISTEN }} (127.0.0.1:8080), {{ HTTPS_LISTEN }} ssl (127.0.0.1:8443 ssl) or shop's own host ports (127.0.0.1:9001)";
  const refused = (text: string, message: string) =>
    assert.throws(() => checkRawListens(text, o), { code: 'INVALID_NGINX_TEMPLATE', message });

  it('takes the router\'s ports and the app\'s own mapped host ports', () => {
    checkRawListens([
      'upstream extra { server 127.0.0.1:5000; }',
      'server { listen 127.0.0.1:8080; server_name a; location / { proxy_pass http://berth_shop; } }',
      'server { listen 127.0.0.1:8443 ssl http2; server_name a; }',
      'server { listen 127.0.0.1:9001 ssl; }',
      'server {\n  "listen" 127.0.0.1:9001;\n}',
    ].join('\n'), o);
  });

  it('refuses ports and addresses berth does not give the app, each with its line', () => {
    refused('server {\n  listen 127.0.0.1:8080;\n  listen 22;\n}', `nginx.conf.njk line 3: listen 22: not an address berth gives shop. A raw server block listens on ${where}.`);
    refused('server { listen 0.0.0.0:8380; }', `nginx.conf.njk line 1: listen 0.0.0.0:8380: not an address berth gives shop. A raw server block listens on ${where}.`);
    refused('server { listen 9001; }', `nginx.conf.njk line 1: listen 9001: not an address berth gives shop. A raw server block listens on ${where}.`);
    refused('server { listen unix:/var/lib/berth/berth.sock; }', `nginx.conf.njk line 1: listen unix:/var/lib/berth/berth.sock: not an address berth gives shop. A raw server block listens on ${where}.`);
    refused('server { listen [::]:8080; }', `nginx.conf.njk line 1: listen [::]:8080: not an address berth gives shop. A raw server block listens on ${where}.`);
    refused('server { "listen" 169.254.169.254:80; }', `nginx.conf.njk line 1: listen 169.254.169.254:80: not an address berth gives shop. A raw server block listens on ${where}.`);
  });

  it('refuses parameters that would change the sockets other apps share', () => {
    refused('server { listen 127.0.0.1:8080 default_server; }', 'nginx.conf.njk line 1: listen 127.0.0.1:8080 default_server: the router\'s HTTP port is shared by every app; listen on it without parameters.');
    refused('server { listen 127.0.0.1:8080 ssl; }', 'nginx.conf.njk line 1: listen 127.0.0.1:8080 ssl: the router\'s HTTP port is shared by every app; listen on it without parameters.');
    refused('server { listen 127.0.0.1:8443; }', 'nginx.conf.njk line 1: listen 127.0.0.1:8443: the router\'s HTTPS port is shared by every app; listen on it with ssl (and http2) only.');
    refused('server { listen 127.0.0.1:8443 ssl reuseport; }', 'nginx.conf.njk line 1: listen 127.0.0.1:8443 ssl reuseport: the router\'s HTTPS port is shared by every app; listen on it with ssl (and http2) only.');
    refused('server { listen 127.0.0.1:9001 backlog=1; }', 'nginx.conf.njk line 1: listen 127.0.0.1:9001 backlog=1: "backlog=1" is not allowed; ssl and http2 are.');
  });

  it('refuses a server block without listen (nginx would bind port 80 of every address)', () => {
    refused('server {\n  listen 127.0.0.1:8080;\n}\nserver {\n  server_name b;\n}', 'nginx.conf.njk line 4: a server block without "listen" makes nginx listen on port 80 of every address; give it listen {{ HTTP_LISTEN }} (127.0.0.1:8080).');
  });
});
