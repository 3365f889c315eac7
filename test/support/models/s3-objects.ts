/**
 * S3 object writes as AWS answers them, behind the SDK (aws-sdk-client-mock), for the parts s3rver does not
 * model: `If-None-Match: *` on PutObject (412 PreconditionFailed when the key exists), `ChecksumSHA256`
 * checked against the bytes (BadDigest), HeadObject of a missing key as `NotFound`. A HEAD can be made to
 * miss an object that exists (`hideFromNextHead`), as when another writer's put lands between HEAD and PUT.
 */

import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface ModelObject {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly metadata: Record<string, string>;
  readonly serverSideEncryption: string | undefined;
  readonly kmsKeyId: string | undefined;
}

export class S3ObjectsModel {
  readonly objects = new Map<string, ModelObject>();
  readonly puts: string[] = [];
  private hiddenHeads = 0;

  constructor(readonly bucket: string) {}

  client(): S3Client {
    const client = new S3Client({ region: 'ap-east-1' });
    mockClient(client)
      .on(PutObjectCommand)
      .callsFake(async (input) => this.put(input))
      .on(HeadObjectCommand)
      .callsFake(async (input) => this.head(input))
      .on(GetObjectCommand)
      .callsFake(async (input) => this.get(input));
    return client;
  }

  /** The next `count` HEADs answer NotFound whatever is stored. */
  hideFromNextHead(count = 1): void {
    this.hiddenHeads += count;
  }

  /** Another writer puts bytes under a key, as this model's S3 would store them. */
  putDirectly(key: string, body: string | Uint8Array, metadata: Record<string, string> = {}): void {
    this.objects.set(key, {
      body: Buffer.from(body),
      contentType: 'text/html',
      metadata,
      serverSideEncryption: 'aws:kms',
      kmsKeyId: undefined,
    });
  }

  private put(input: PutObjectCommand['input']) {
    this.requireBucket(input.Bucket);
    const key = input.Key as string;
    this.puts.push(key);
    if (input.IfNoneMatch === '*' && this.objects.has(key)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        message: 'At least one of the pre-conditions you specified did not hold',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      });
    }
    const body = Buffer.from(input.Body as Uint8Array);
    if (input.ChecksumSHA256 && createHash('sha256').update(body).digest('base64') !== input.ChecksumSHA256) {
      throw new S3ServiceException({
        name: 'BadDigest',
        message: 'The SHA256 you specified did not match the calculated checksum.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
    this.objects.set(key, {
      body,
      contentType: input.ContentType,
      // S3 lower-cases user metadata names.
      metadata: Object.fromEntries(
        Object.entries(input.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      serverSideEncryption: input.ServerSideEncryption,
      kmsKeyId: input.SSEKMSKeyId,
    });
    return { ETag: '"etag"' };
  }

  private head(input: HeadObjectCommand['input']) {
    this.requireBucket(input.Bucket);
    const object = this.objects.get(input.Key as string);
    if (this.hiddenHeads > 0) {
      this.hiddenHeads--;
      throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    }
    if (!object) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return {
      ContentType: object.contentType,
      Metadata: { ...object.metadata },
      ContentLength: object.body.length,
    };
  }

  private get(input: GetObjectCommand['input']) {
    this.requireBucket(input.Bucket);
    const object = this.objects.get(input.Key as string);
    if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    const bytes = Uint8Array.from(object.body);
    return {
      ContentType: object.contentType,
      Metadata: { ...object.metadata },
      Body: {
        transformToByteArray: async () => bytes,
        transformToString: async () => object.body.toString(),
      },
    };
  }

  private requireBucket(bucket: string | undefined): void {
    if (bucket !== this.bucket) {
      throw new S3ServiceException({
        name: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      });
    }
  }
}
