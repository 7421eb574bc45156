import assert from 'node:assert/strict';
import { parseCompose, startOrderOf, composeContainer, findComposeFile, stopFirstTypes } from '../../../app/compose';
import { parseDuration, shellWords } from '../../../app/compose/compose-fields';
import { BerthError } from '../../../app/errors';
import { EMPTY_MANIFEST } from '../../../app/manifest';
import type { ReleaseRecord } from '../../../app/ports/store';

const parse = (text: string, files: Record<string, string> = {}) => parseCompose(text, 'compose.yaml', (p) => files[p] ?? null);
const refused = (text: string, ...patterns: RegExp[]) => assert.throws(() => parse(text), (e: unknown) => {
  assert.ok(e instanceof BerthError);
  assert.equal(e.code, 'COMPOSE_UNSUPPORTED', e.message);
  for (const p of patterns) assert.match(e.message, p);
  return true;
});
const invalid = (text: string, pattern: RegExp) => assert.throws(() => parse(text), (e: unknown) => {
  assert.ok(e instanceof BerthError);
  assert.equal(e.code, 'INVALID_COMPOSE', e.message);
  assert.match(e.message, pattern);
  return true;
});

const APP = `
services:
  app:
    build: .
    command: node server.js --name "my app"
    ports: ["8080:5000"]
    env_file: .env.compose
    environment: { MODE: web, ESCAPED: "a$$b" }
    depends_on:
      redis: { condition: service_healthy }
  worker:
    build: { context: ".", dockerfile: Dockerfile }
    command: ["node", "worker.js"]
    depends_on: [redis]
    deploy: { replicas: 2 }
  redis:
    image: berth/service-redis:7-bookworm
    volumes: ["data:/data"]
    healthcheck: { test: ["CMD-SHELL", "redis-cli ping"], interval: 2s, timeout: 1s, retries: 4, start_period: 10s }
volumes:
  data:
`;

describe('compose files', () => {
  it('finds compose.yaml before docker-compose.yml', () => {
    assert.equal(findComposeFile((p) => p === 'docker-compose.yml' || p === 'compose.yaml'), 'compose.yaml');
    assert.equal(findComposeFile((p) => p === 'docker-compose.yml'), 'docker-compose.yml');
    assert.equal(findComposeFile(() => false), null);
  });

  it('maps services to process types: the service with ports is web, the rest keep their names, started after their dependencies', () => {
    const { plan, healthchecks, formation, notes } = parse(APP, { '.env.compose': '# c\nFROM_FILE=1\nexport MODE="file"\n' });
    assert.deepEqual(plan.order, ['redis', 'web', 'worker']);
    assert.equal(plan.services.web.name, 'app');
    assert.deepEqual(plan.services.web.command, ['node', 'server.js', '--name', 'my app']);
    assert.deepEqual(plan.services.web.environment, { FROM_FILE: '1', MODE: 'web', ESCAPED: 'a$b' });
    assert.equal(plan.webPort, 5000);
    assert.deepEqual(plan.build, { context: '', dockerfile: 'Dockerfile', args: {} });
    assert.equal(plan.services.redis.image, 'berth/service-redis:7-bookworm');
    assert.deepEqual(plan.services.redis.volumes, [{ volume: 'data', target: '/data' }]);
    assert.deepEqual(formation, { web: 1, worker: 2, redis: 1 });
    assert.deepEqual(Object.keys(healthchecks), ['redis']);
    assert.deepEqual(healthchecks.redis[0].command, ['/bin/sh', '-c', 'redis-cli ping']);
    // retries 4 + 10 s start period at 2 s intervals.
    assert.deepEqual([healthchecks.redis[0].attempts, healthchecks.redis[0].wait, healthchecks.redis[0].timeout], [9, 2, 1]);
    assert.match(notes.join('\n'), /"8080:5000": container port 5000 is routed by berth's router/);
  });

  it('picks the service labelled berth.web over the first with a port', () => {
    const { plan } = parse('services:\n  api:\n    build: .\n    expose: ["3000"]\n  front:\n    image: b\n    expose: ["8080"]\n    labels: { berth.web: "true" }\n');
    assert.equal(plan.services.web.name, 'front');
    assert.equal(plan.webPort, 8080);
    assert.equal(plan.services.api.type, 'api');
  });

  it('refuses what would reach the host, listing every offending key with its reason', () => {
    refused(`
services:
  web:
    image: berth/busybox:latest
    privileged: true
    network_mode: host
    pid: host
    ipc: host
    cap_add: [SYS_ADMIN]
    devices: ["/dev/sda:/dev/sda"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock", "../src:/src", { type: bind, source: /etc, target: /etc2 }]
    labels: { berth.app: victim }
  db:
    image: berth/busybox:latest
    ports: ["5432:5432"]
    networks: [other]
networks: { other: { external: true } }
`,
    /- networks: each berth app has its own network/,
    /- services\.web\.privileged: privileged mode would hand the service the host/,
    /- services\.web\.network_mode: /,
    /- services\.web\.pid: sharing a PID namespace/,
    /- services\.web\.ipc: sharing an IPC namespace/,
    /- services\.web\.cap_add: /,
    /- services\.web\.devices: host devices/,
    /- services\.web\.volumes "\/var\/run\/docker\.sock:\/var\/run\/docker\.sock": host path "\/var\/run\/docker\.sock" is outside the app's storage/,
    /- services\.web\.volumes "\.\.\/src:\/src": host path "\.\.\/src" is outside the app's storage/,
    /- services\.web\.volumes \{"type":"bind","source":"\/etc","target":"\/etc2"\}: host path "\/etc"/,
    /- services\.web\.labels\.berth\.app: berth's containers carry berth's labels only/,
    /- services\.db\.ports "5432:5432": only the web service is reachable from outside/,
    /- services\.db\.networks: /);
  });

  it('takes bind mounts of a folder directly below the app\'s storage; refuses ../, nested folders, ~, the host and another app\'s storage', () => {
    const root = '/var/lib/berth/storage/aaaaaaaaaaaa';
    const svc = (volumes: string) => `services:\n  web:\n    build: .\n    volumes: ${volumes}\n`;
    const dirsOf = (volumes: string) => parseCompose(svc(volumes), 'compose.yaml', () => null, root).plan.services.web.dirs;
    assert.deepEqual(dirsOf('["./uploads:/app/uploads", "./a/../cache/:/cache"]'), [{ dir: 'uploads', target: '/app/uploads' }, { dir: 'cache', target: '/cache' }]);
    assert.deepEqual(dirsOf(`["${root}/uploads:/u", { type: bind, source: ./logs, target: /logs }]`), [{ dir: 'uploads', target: '/u' }, { dir: 'logs', target: '/logs' }]);
    assert.deepEqual(parse(svc('["./uploads:/u"]')).plan.services.web.dirs, [{ dir: 'uploads', target: '/u' }]);
    const outside = (source: string, storageRoot: string | null = root) => assert.throws(
      () => parseCompose(svc(`["${source}:/x"]`), 'compose.yaml', () => null, storageRoot), (e: unknown) => {
        assert.ok(e instanceof BerthError);
        assert.equal(e.code, 'COMPOSE_UNSUPPORTED', `${source}: ${e.message}`);
        assert.match(e.message, /is outside the app's storage/);
        return true;
      });
    for (const s of ['../x', './a/../../x', './../aaaaaaaaaaaa/x', './a/b', '.', './.git', '~/x', '$$HOME/x', '/etc', '/var/run/docker.sock', root,
      `${root}/a/b`, `${root}/../bbbbbbbbbbbb/x`, '/var/lib/berth/storage/bbbbbbbbbbbb/x']) outside(s);
    outside(`${root}/uploads`, null);
    refused(svc('["./uploads:/u:z"]'), /options "z" are not supported by berth's compose builder \(only ro and rw are\)/);
  });

  it('mounts :ro and read_only: true volumes and storage folders read-only; refuses anonymous volumes with the reason', () => {
    const { plan } = parse('services:\n  web:\n    build: .\n    volumes: ["data:/d:ro", "./up:/u:ro", { type: volume, source: data, target: /e, read_only: true }, "data:/f:rw"]\nvolumes: { data: }\n');
    assert.deepEqual(plan.services.web.volumes, [{ volume: 'data', target: '/d', readOnly: true }, { volume: 'data', target: '/e', readOnly: true }, { volume: 'data', target: '/f' }]);
    assert.deepEqual(plan.services.web.dirs, [{ dir: 'up', target: '/u', readOnly: true }]);
    refused('services:\n  web:\n    build: .\n    volumes: ["/cache", { type: volume, target: /tmpdata }]\n',
      /- services\.web\.volumes "\/cache": an anonymous volume is lost at every deploy; name it under top-level `volumes:`/,
      /- services\.web\.volumes \{"type":"volume","target":"\/tmpdata"\}: an anonymous volume is lost at every deploy/);
  });

  it('interpolates ${VAR}, ${VAR:-default}, ${VAR:?msg} and $VAR from the given config vars only; $$ is a literal $', () => {
    const text = 'services:\n  web:\n    build: { context: "${CTX:-.}" }\n    command: ["echo", "$GREETING", "${WHO-world}", "$${NOT_ME}", "${EMPTY:-was empty}", "${EMPTY-kept empty}", "${GREETING:+set}"]\n' +
      '    environment: { A: "${GREETING}!", PRICE: "$$5" }\n';
    const { plan } = parseCompose(text, 'compose.yaml', () => null, null, { GREETING: 'hi', EMPTY: '' });
    assert.deepEqual(plan.services.web.command, ['echo', 'hi', 'world', '${NOT_ME}', 'was empty', '', 'set']);
    assert.deepEqual(plan.services.web.environment, { A: 'hi!', PRICE: '$5' });
    assert.deepEqual(plan.build, { context: '', dockerfile: 'Dockerfile', args: {} });
    const missing = (t: string, vars: Record<string, string>, pattern: RegExp) => assert.throws(() => parseCompose(t, 'compose.yaml', () => null, null, vars), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'INVALID_COMPOSE', e.message);
      assert.match(e.message, pattern);
      return true;
    });
    missing('services:\n  web:\n    build: .\n    environment: { DB: "${DATABASE_URL}" }\n', {},
      /^compose\.yaml: services\.web\.environment\.DB uses \$\{DATABASE_URL\}, which is not set: set it with `berth config:set <app> DATABASE_URL=…` or give a default \(\$\{DATABASE_URL:-value\}\)$/);
    missing('services:\n  web:\n    build: .\n    command: ["${TOKEN:?the API token}"]\n', { TOKEN: '' }, /services\.web\.command\[0\] needs config var TOKEN: the API token \(\$\{TOKEN\} is empty/);
    missing('services:\n  web:\n    build: .\n    command: ["a$"]\n', {}, /has a \$ that starts no variable; write \$\$ for a literal \$/);
    // berth's own environment is never a source: HOME and PATH are set in berth's process, not in the app's config.
    assert.ok(process.env.HOME && process.env.PATH);
    missing('services:\n  web:\n    build: .\n    command: ["${HOME}"]\n', { OTHER: 'x' }, /uses \$\{HOME\}, which is not set/);
    missing('services:\n  web:\n    build: .\n    command: ["$PATH"]\n', {}, /uses \$\{PATH\}, which is not set/);
    missing('services:\n  web:\n    build: .\n    command: ["${constructor}"]\n', {}, /uses \$\{constructor\}, which is not set/);
    // Interpolated before any check: a config var cannot smuggle in what the file could not say.
    assert.throws(() => parseCompose('services:\n  web:\n    build: "${CTX}"\n    volumes: ["${SRC}:/x"]\n', 'compose.yaml', () => null, null,
      { CTX: '../..', SRC: '/etc' }), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'COMPOSE_UNSUPPORTED', e.message);
      assert.match(e.message, /- services\.web\.build\.context: "\.\.\/\.\." is outside the repo/);
      assert.match(e.message, /- services\.web\.volumes "\/etc:\/x": host path "\/etc" is outside the app's storage/);
      return true;
    });
  });

  it('builds each distinct build: the web service\'s is the release\'s, others run their own image; a file with no build has none', () => {
    const { plan } = parse('services:\n  worker:\n    build: ./worker\n  web:\n    build: { context: ., dockerfile: web.Dockerfile }\n  clock:\n    build: ./worker\n  api:\n    build: { context: ., dockerfile: web.Dockerfile }\n  db:\n    image: r\n');
    assert.deepEqual(plan.build, { context: '', dockerfile: 'web.Dockerfile', args: {} });
    assert.deepEqual(plan.builds, [
      { build: { context: '', dockerfile: 'web.Dockerfile', args: {} }, types: ['web', 'api'] },
      { build: { context: 'worker', dockerfile: 'Dockerfile', args: {} }, types: ['worker', 'clock'] },
    ]);
    assert.deepEqual(plan.order.filter((t) => plan.services[t].ownImage), ['worker', 'clock']);
    const none = parse('services:\n  web:\n    image: berth/busybox:latest\n    expose: ["80"]\n  cache:\n    image: berth/service-redis:7-bookworm\n').plan;
    assert.equal(none.build, null);
    assert.deepEqual(none.builds, []);
  });

  it('runs a service waited for with service_completed_successfully once: no process type, count or check', () => {
    const { plan, formation, healthchecks } = parse('services:\n  web:\n    build: .\n    depends_on: { migrate: { condition: service_completed_successfully } }\n' +
      '  migrate:\n    build: .\n    command: ["sh", "migrate.sh"]\n    depends_on: { db: { condition: service_healthy } }\n' +
      '  db:\n    image: r\n    healthcheck: { test: "true" }\n');
    assert.deepEqual(plan.order, ['db', 'migrate', 'web']);
    assert.equal(plan.services.migrate.oneShot, true);
    assert.equal(plan.services.web.oneShot, undefined);
    assert.deepEqual(formation, { web: 1, db: 1 });
    assert.deepEqual(Object.keys(healthchecks), ['db']);
    refused('services:\n  web:\n    build: .\n  job:\n    image: a\n    depends_on: { web: { condition: service_completed_successfully } }\n',
      /- services\.web: the web service runs until stopped; it cannot be waited for with service_completed_successfully/);
    refused('services:\n  web:\n    build: .\n    depends_on: { m: { condition: service_completed_successfully } }\n  m:\n    image: a\n    healthcheck: { test: "true" }\n    deploy: { replicas: 2 }\n',
      /- services\.m\.healthcheck: m runs once per deploy .* so it has no health check; remove it/,
      /- services\.m\.deploy: m runs once per deploy .* so it has no replica count; remove it/);
    invalid('services:\n  web:\n    build: .\n    depends_on: { m: { condition: service_completed_successfully } }\n  w:\n    image: a\n    depends_on: { m: { condition: service_healthy } }\n  m:\n    image: a\n',
      /services\.w\.depends_on\.m waits for service_healthy, but "m" has no healthcheck/);
  });

  it('refuses unknown keys, external volumes and builds outside the repo instead of dropping them', () => {
    refused('services:\n  web:\n    image: a\n    frobnicate: 1\n', /services\.web\.frobnicate: not supported by berth's compose builder/);
    refused('services:\n  web:\n    image: a\n    volumes: ["d:/d"]\nvolumes:\n  d: { external: true }\n', /volumes\.d\.external: /);
    refused('services:\n  web:\n    build: .\n  w:\n    build: { context: ., dockerfile: ../Dockerfile }\n', /- services\.w\.build\.dockerfile: "\.\.\/Dockerfile" is outside the build context/);
    refused('services:\n  web:\n    build: /srv/app\n', /- services\.web\.build\.context: "\/srv\/app" is outside the repo; berth builds from the pushed repo only/);
    refused('services:\n  web:\n    build: .\n  db:\n    image: a\n    deploy: { replicas: 2 }\n    volumes: ["d:/d"]\nvolumes: { d: }\n', /services\.db\.deploy\.replicas: 2 containers would share one data volume/);
    refused('services:\n  web:\n    build: ../outside\n', /build\.context: "\.\.\/outside" is outside the repo/);
    refused('services:\n  web:\n    image: a\n    restart: "no"\n', /services\.web\.restart: "no"/);
    refused('services:\n  web:\n    image: a\n  job:\n    image: a\n    depends_on: { web: { condition: service_done } }\n', /services\.job\.depends_on\.web\.condition: "service_done": not supported/);
  });

  it('fails malformed files with INVALID_COMPOSE saying where', () => {
    invalid('services: [a]\n', /`services:` must be a map/);
    invalid('services:\n  web: { build: ., depends_on: [db] }\n', /depends_on names "db", which is not a service/);
    invalid('services:\n  a: { build: ., depends_on: [b] }\n  b: { image: x, depends_on: [a] }\n', /depends_on forms a cycle among a, b/);
    invalid('services:\n  web: { build: ., depends_on: { db: { condition: service_healthy } } }\n  db: { image: b }\n', /"db" has no healthcheck/);
    invalid('services:\n  My_Svc: { image: a }\n', /service name "My_Svc" must be lowercase/);
    invalid('services:\n  web: { image: a, volumes: ["undeclared:/x"] }\n', /volume "undeclared" is not declared/);
    invalid('services:\n  web: {}\n', /needs an `image:` or a `build:`/);
    invalid('a: &a [*a, *a]\nb: [', /not valid YAML/);
    invalid(`x: &x [1,1,1,1,1,1,1,1,1,1]\n${Array.from({ length: 200 }, (_, i) => `y${i}: *x`).join('\n')}\nservices: {}\n`, /not valid YAML/);
  });

  it('splits command strings as a shell would and reads compose durations', () => {
    assert.deepEqual(shellWords(`sh -c 'echo "a b"' x\\ y "q\\"z"`), ['sh', '-c', 'echo "a b"', 'x y', 'q"z']);
    assert.equal(shellWords('unclosed "quote'), null);
    assert.equal(parseDuration('1m30s'), 90);
    assert.equal(parseDuration('500ms'), 0.5);
    assert.equal(parseDuration('soon'), null);
  });
});

describe('compose releases at deploy time', () => {
  const release = (compose: ReturnType<typeof parse>['plan'] | null): ReleaseRecord => ({
    app: 'shop', version: 3, image: 'berth/shop:v3', gitSha: null, config: {}, processes: {}, port: 5000, appJson: null,
    manifest: { ...EMPTY_MANIFEST, compose }, detectedPorts: null, description: '', user: null, createdAt: '',
  } as ReleaseRecord);
  const base = { name: 'berth.shop.redis.1.x', image: 'berth/shop:v3', env: { PORT: '5000', DB: 'from-config' }, labels: {}, network: 'berth-abc', mounts: [{ source: '/srv', target: '/srv' }] };

  it('starts other apps web first, compose apps in depends_on order', () => {
    assert.deepEqual(startOrderOf(release(null), ['worker', 'web', 'clock']), ['web', 'worker', 'clock']);
    assert.deepEqual(startOrderOf(release(parse(APP, { '.env.compose': '' }).plan), ['worker', 'web', 'redis']), ['redis', 'web', 'worker']);
  });

  it('gives each service its image, argv, env under berth\'s config, volumes and its compose name as alias', () => {
    const plan = parse('services:\n  web:\n    build: .\n  redis:\n    image: r:7\n    command: redis-server --save 60\n    environment: { DB: file, X: "1" }\n    volumes: ["data:/data"]\nvolumes: { data: }\n').plan;
    const spec = composeContainer(release(plan), 'redis', 'abc123', base);
    assert.equal(spec.image, 'r:7');
    assert.deepEqual(spec.command, ['redis-server', '--save', '60']);
    assert.deepEqual(spec.env, { DB: 'from-config', X: '1', PORT: '5000' });
    assert.deepEqual(spec.aliases, ['redis']);
    assert.deepEqual(spec.mounts, [{ source: '/srv', target: '/srv' }, { source: 'berth-app-abc123-data', target: '/data' }]);
    assert.equal(composeContainer(release(null), 'redis', 'abc123', base), base);
  });

  it('replaces stop-first and keeps at one container only the services that write to a volume; read-only ones may scale', () => {
    const text = 'services:\n  web:\n    build: .\n    volumes: ["data:/data:ro"]\n    deploy: { replicas: 3 }\n  db:\n    image: r\n    volumes: ["data:/data", "./up:/up:ro"]\nvolumes: { data: }\n';
    const { plan, formation } = parse(text);
    assert.deepEqual([...stopFirstTypes(release(plan))], ['db']);
    assert.equal(formation.web, 3);
    refused(text.replace('image: r\n', 'image: r\n    deploy: { replicas: 2 }\n'), /services\.db\.deploy\.replicas: 2 containers would share one data volume; a service with named volumes runs at most 1 \(unless every one is mounted :ro\)/);
  });

  it('runs a service with its own build on <release image>-<type>, and :ro volumes read-only', () => {
    const plan = parse('services:\n  web:\n    build: .\n  worker:\n    build: ./w\n    volumes: ["data:/data:ro"]\nvolumes: { data: }\n').plan;
    const spec = composeContainer(release(plan), 'worker', 'abc123', base);
    assert.equal(spec.image, 'berth/shop:v3-worker');
    assert.deepEqual(spec.mounts, [{ source: '/srv', target: '/srv' }, { source: 'berth-app-abc123-data', target: '/data', readOnly: true }]);
    assert.equal(composeContainer(release(plan), 'web', 'abc123', base).image, 'berth/shop:v3');
  });

  it('mounts a storage folder as the start re-checked it, and starts nothing where no check is wired', () => {
    const plan = parse('services:\n  web:\n    build: .\n    volumes: ["./uploads:/u"]\n').plan;
    const spec = composeContainer(release(plan), 'web', 'abc123', base, (d) => `/real/storage/abc123/${d}`);
    assert.deepEqual(spec.mounts, [{ source: '/srv', target: '/srv' }, { source: '/real/storage/abc123/uploads', target: '/u' }]);
    assert.throws(() => composeContainer(release(plan), 'web', 'abc123', base), (e: unknown) => e instanceof BerthError && e.code === 'INVALID_STORAGE_MOUNT');
  });
});
