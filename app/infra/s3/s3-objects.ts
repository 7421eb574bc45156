import fs from 'node:fs';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BackupObjects, StoredObject } from '../../ports/backup-objects';
import type { S3Login } from '../../ports/service-backups';
import { BerthError } from '../../errors';

/**
 * One bucket of an S3-compatible store (AWS, MinIO, Garage, s3rver). Path-style addressing, as
 * self-hosted stores answer on one host name; checksums only where the operation requires them,
 * since not every S3-compatible server reads the SDK's streamed (aws-chunked) checksum trailers.
 */
export function s3Objects(login: S3Login): BackupObjects {
  const client = new S3Client({
    endpoint: login.endpoint, region: login.region, forcePathStyle: true,
    credentials: { accessKeyId: login.accessKeyId, secretAccessKey: login.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const failed = (what: string, key: string) => (e: unknown): never => {
    throw new BerthError('BACKUP_STORAGE_FAILED', `S3 ${what} of s3://${login.bucket}/${key} at ${login.endpoint} failed: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  };
  return {
    async put(key, file, size) {
      await client.send(new PutObjectCommand({ Bucket: login.bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }))
        .catch(failed('upload', key));
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: login.bucket, Key: key })).catch((e: unknown) => {
        if ((e as Error).name === 'NoSuchKey') throw new BerthError('BACKUP_NOT_FOUND', `s3://${login.bucket}/${key} is not there (${login.endpoint}).`);
        return failed('download', key)(e);
      });
      return out.Body as NodeJS.ReadableStream;
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: login.bucket, Key: key })).catch(failed('delete', key));
    },
    async list(prefix) {
      const out: StoredObject[] = [];
      const below = prefix ? `${prefix}/` : '';
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: login.bucket, Prefix: below, Delimiter: '/', ContinuationToken: token }))
          .catch(failed('listing', below));
        for (const o of page.Contents ?? []) {
          if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, modified: (o.LastModified ?? new Date(0)).toISOString() });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
  };
}
