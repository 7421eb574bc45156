import { s3Objects } from '../../app/infra/s3';
import { backupObjectsConformance } from '../conformance/backup-objects';
import { startS3Server } from '../support/s3-server';

// The real S3 adapter against a local S3-compatible server (s3rver), one server for the suite.
describe('S3 backup storage', () => {
  let server: Awaited<ReturnType<typeof startS3Server>> | null = null;
  before(async () => { server = await startS3Server('conformance'); });
  after(async () => { await server?.close(); });

  backupObjectsConformance('s3Objects (s3rver on loopback)', async () => ({
    objects: s3Objects({ endpoint: server!.endpoint, region: 'us-east-1', bucket: 'conformance', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }),
    keyOf: (prefix, name) => `${prefix}/${name}`,
    listArg: (prefix) => prefix,
    close: async () => undefined,
  }));
});
