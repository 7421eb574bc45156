import Docker from 'dockerode';

/**
 * A dockerode client: configuration only (socket path), each request its own HTTP call. berth's
 * composition root builds one (`createDockerClient`) and hands it to the engine, the swarm engine,
 * the service engine and the registry; a test or script may pass a socket path instead.
 */
export type DockerClient = Docker;

/** The one place a dockerode client is made (test/unit/layering.test.ts checks it). */
export function createDockerClient(socketPath: string): DockerClient {
  return new Docker({ socketPath });
}

/** Either the process's one client or, outside berth's composition root, a socket to make one for. */
export type DockerAccess = { readonly docker: DockerClient; readonly socketPath?: undefined } | { readonly socketPath: string; readonly docker?: undefined };

export function dockerOf(o: DockerAccess): DockerClient {
  return o.docker ?? createDockerClient(o.socketPath!);
}
