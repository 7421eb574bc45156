// @ts-check
// An external berth service plugin in plain JavaScript: no build step. It is loaded from this
// folder (`berth plugins:install /path/to/memcached`, or BERTH_PLUGINS_PATH) or from npm.
// The types come from berth's app/plugins/api.ts; the JSDoc below lets an editor check it.

/** @type {import('../../../app/plugins/api').PluginDefinition} */
module.exports = {
  register(ctx) {
    ctx.services.register({
      port: 11211,
      envAlias: 'MEMCACHED_URL',
      scheme: 'memcached',
      dataDir: '/var/lib/berth/data',
      // memcached has no users or passwords: it is reachable only on the berth network.
      containerEnv: () => ({}),
      connectionUrl: ({ host, port }) => `memcached://${host}:${port}`,
      // A cache: nothing worth exporting, so export/import are left out (berth says "unsupported").
    });

    // Any plugin can also hook into a phase; this one just counts deploys in its storage.
    ctx.hooks.on('deploy:after', ({ app }) => {
      const key = `deploys:${app}`;
      ctx.storage.set(key, String(Number(ctx.storage.get(key) ?? '0') + 1));
    });
  },
};
