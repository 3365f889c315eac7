/** The drop bucket through the S3 API (AWS S3, or s3rver offline): streamed and ranged reads, small and streamed writes. */

import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { FeedStorage, ReadOptions } from '../../ports/feed-storage';

export class S3FeedStorage implements FeedStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async open(key: string, options: ReadOptions = {}): Promise<Readable> {
    const { versionId, range } = options;
    // An empty range has no HTTP form (bytes=a-b includes b): it is an empty stream.
    if (range && range.end <= range.start) return Readable.from([]);
    const out = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
      }),
    );
    if (!out.Body) throw new Error(`empty object ${key}`);
    return out.Body as Readable;
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body?.transformToString('utf8');
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async putStream(key: string, body: Readable, contentType: string): Promise<void> {
    // Parts of 5 MiB (S3's minimum), one at a time: a large rejects file never sits in memory whole.
    await new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 1,
      partSize: 5 * 1024 * 1024,
    }).done();
  }
}
