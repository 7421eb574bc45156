/**
 * The compose keys berth refuses, each with the reason given to the pusher. A key that is neither
 * honoured (parse-compose.ts) nor listed here is refused too, as "not supported": berth never drops
 * a part of a compose file silently. The reasons say what to do instead.
 */

const HOST = 'would hand the service the host (berth containers are unprivileged and confined: docs/security.md)';

/** Service keys, by name. */
export const REFUSED_SERVICE_KEYS: Readonly<Record<string, string>> = {
  privileged: `privileged mode ${HOST}`,
  network_mode: 'each berth app has its own network; services reach each other there by their compose names',
  networks: 'each berth app has its own network; a service cannot join another network',
  pid: `sharing a PID namespace ${HOST}`,
  ipc: `sharing an IPC namespace ${HOST}`,
  uts: `sharing the UTS namespace ${HOST}`,
  userns_mode: `userns_mode ${HOST}`,
  cgroup: `cgroup ${HOST}`,
  cgroup_parent: `cgroup_parent ${HOST}`,
  cap_add: 'berth keeps a fixed set of capabilities (KEPT_CAPABILITIES); none can be added',
  cap_drop: 'berth already drops every capability but a fixed few',
  devices: `host devices ${HOST}`,
  device_cgroup_rules: `device rules ${HOST}`,
  security_opt: 'berth sets no-new-privileges and its own security options',
  sysctls: `sysctls ${HOST}`,
  volumes_from: 'mount named volumes instead',
  links: 'services reach each other by their compose names on the app network already',
  external_links: 'link a berth service instead (`berth <service>:link`)',
  extra_hosts: 'would change name resolution for the app; not supported',
  dns: 'berth containers use docker\'s resolver on the app network',
  dns_search: 'berth containers use docker\'s resolver on the app network',
  dns_opt: 'berth containers use docker\'s resolver on the app network',
  container_name: 'berth names containers (`berth.<app>.<type>.<n>.<deploy>`); the service name is the address',
  hostname: 'the service name is its address on the app network',
  domainname: 'the service name is its address on the app network',
  mac_address: 'berth assigns addresses on the app network',
  mem_limit: 'set the app\'s limits with `berth resource:limit`',
  memswap_limit: 'set the app\'s limits with `berth resource:limit`',
  cpus: 'set the app\'s limits with `berth resource:limit`',
  cpu_shares: 'set the app\'s limits with `berth resource:limit`',
  pids_limit: 'berth sets the pids limit (BERTH_PIDS_LIMIT)',
  ulimits: 'berth sets the limits',
  oom_kill_disable: `oom_kill_disable ${HOST}`,
  oom_score_adj: `oom_score_adj ${HOST}`,
  shm_size: 'not supported',
  tmpfs: 'not supported; mount a named volume',
  stop_grace_period: 'set it with `berth ps:set <app> stop-timeout <seconds>`',
  stop_signal: 'berth stops containers with SIGTERM',
  secrets: 'set secrets as config vars (`berth config:set`), sealed by berth',
  configs: 'commit the file to the repo or set config vars',
  tty: 'process types run without a terminal (`berth enter` gives one)',
  stdin_open: 'process types run without stdin (`berth run` gives one)',
  profiles: 'every service in the file runs; remove the services you do not want',
  extends: 'write the service out in full',
  init: 'not supported',
  logging: 'berth keeps the logs (`berth logs`)',
  platform: 'images run on this host\'s platform',
  pull_policy: 'no registry is reachable: images are local or built from the repo',
  scale: 'scale with `berth ps:scale` or deploy.replicas',
  runtime: `another container runtime ${HOST}`,
  isolation: 'not supported',
  storage_opt: 'not supported',
  group_add: 'not supported',
  annotations: 'not supported',
  attach: 'not supported',
  develop: 'compose watch is a development tool',
  post_start: 'not supported; use the release command or app.json scripts',
  pre_stop: 'not supported',
};

/** Top-level keys. */
export const REFUSED_TOP_KEYS: Readonly<Record<string, string>> = {
  networks: 'each berth app has its own network: every service joins it, nothing else',
  secrets: 'set secrets as config vars (`berth config:set`), sealed by berth',
  configs: 'commit the file to the repo or set config vars',
  include: 'put every service in the one file',
};

export const NOT_SUPPORTED = 'not supported by berth\'s compose builder';
