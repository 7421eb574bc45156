import net from 'node:net';

/**
 * Whether a TCP port is taken on the host: tries to listen on it on every address (as nginx
 * would, unless the router has a listen address) and closes at once. EADDRINUSE (or EACCES) means
 * nginx could not bind it either.
 */
export function portInUse(port: number, address?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: address ?? '0.0.0.0', exclusive: true }, () => server.close(() => resolve(false)));
  });
}
