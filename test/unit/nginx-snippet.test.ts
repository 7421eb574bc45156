import assert from 'node:assert/strict';
import { checkSnippet, isRawTemplate } from '../../app/infra/nginx/template-snippet';

const refused = (text: string, message: RegExp) => {
  assert.throws(() => checkSnippet(text, { app: 'mine' }), (e: { code?: string; message: string }) => {
    assert.equal(e.code, 'INVALID_NGINX_TEMPLATE', text);
    assert.match(e.message, message, text);
    return true;
  });
};

describe('an app\'s nginx.conf.njk snippet (allow-list, checked before nginx -t)', () => {
  it('accepts location-level directives, locations and proxy_pass to the app\'s own upstream', () => {
    checkSnippet([
      'add_header X-Frame-Options DENY always;',
      'gzip on; gzip_types text/css application/json;',
      'location /api/ {',
      '  proxy_pass http://berth_mine/v2/;',
      '  proxy_read_timeout 300s;',
      '  add_header X-Var "${host}-$request_id";',
      '}',
      'location ~* \\.(png|css)$ { expires 7d; location /api/inner { deny all; } }',
      'location = /old { return 301 /new; }',
      'rewrite ^/a/(.*)$ /b/$1 last;',
      '# a comment with include /etc/shadow;',
    ].join('\n'), { app: 'mine' });
  });

  it('refuses whatever names a file or loads code, raw server blocks, berth\'s own location / and other upstreams', () => {
    refused('include /etc/shadow;', /line 1: "include" is not allowed/);
    refused('location /x {\n  alias /;\n  autoindex on;\n}', /line 2: "alias" is not allowed/);
    refused('root /var/lib/berth;', /"root" is not allowed/);
    refused('access_log /etc/cron.d/x;', /"access_log" is not allowed/);
    refused('error_log /tmp/x debug;', /"error_log" is not allowed/);
    refused('load_module /tmp/evil.so;', /"load_module" is not allowed/);
    refused('location /x { content_by_lua_block { os.execute("id") } }', /"content_by_lua_block" is not allowed/);
    refused('perl_modules /tmp;', /"perl_modules" is not allowed/);
    refused('add_header X /etc/passwd;', /absolute path \/etc\/passwd/);
    refused('server {\n listen 80;\n}', /line 1: a server block replaces berth's own; only an admin/);
    refused('location / { return 200; }', /"location \/" is berth's own/);
    refused('location /x { proxy_pass http://berth_other; }', /proxy_pass goes only to the app's own upstream/);
    refused('location /x { proxy_pass http://172.17.0.1:2375; }', /proxy_pass goes only/);
    refused('location /x { proxy_pass http://berth_mine-2; }', /proxy_pass goes only/);
    refused('client_max_body_size 1g;', /use `berth nginx:set <app> client-max-body-size/);
    refused("location /x { gzip { } }", /"gzip" cannot have a block/);
    refused("if ($host) { return 200; }", /"if" is not allowed/);
    refused('location /x { add_header A B;', /not closed/);
    refused('add_header A B', /does not end with ";"/);
    refused('}', /closes nothing/);
    refused('add_header "A', /quoted string is not closed/);
  });

  it('tells a raw server template from a snippet', () => {
    assert.equal(isRawTemplate('# x\nserver {\n}\n'), true);
    assert.equal(isRawTemplate('add_header server {;'), false);
    assert.equal(isRawTemplate('location /server { }'), false);
  });
});
