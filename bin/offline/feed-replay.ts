/**
 * After a restart: feeds that were dropped but never finished loading (the runtime stopped mid-file) are
 * loaded again. In AWS the feed-events queue keeps such a message until a run finishes it; offline the queue
 * lives in memory, so on start-up every feed without a report of its current version is handed to the
 * bridge again, as S3 would send its event. The load goes on from its last checkpoint.
 */

import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { FeedStorage } from '../../lambdas/ports/feed-storage';
import type { S3EventBridge } from './s3-event-bridge';

export async function replayUnfinishedFeeds(
  s3: S3Client,
  bucket: string,
  storage: Pick<FeedStorage, 'readText'>,
  bridge: Pick<S3EventBridge, 'deliver'>,
): Promise<string[]> {
  const replayed: string[] = [];
  for (const prefix of ['incoming/', 'payments/']) {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || key.endsWith('/')) continue;
        // s3rver's events carry the ETag without its quotes, as S3's do; the listing quotes it.
        const eTag = unquoted(object.ETag ?? '');
        const report = await storage.readText(`reports/${key}.json`);
        const loaded = report === undefined ? undefined : (JSON.parse(report) as { sourceVersion?: string });
        if (unquoted(loaded?.sourceVersion ?? '') === eTag) continue;
        bridge.deliver(objectCreated(bucket, key, eTag, object.Size ?? 0));
        replayed.push(key);
      }
    }
  }
  return replayed;
}

const unquoted = (eTag: string) => eTag.replace(/^"(.*)"$/, '$1');

/** The event S3 sends for a new object, with the raw key as s3rver's own events carry it. */
function objectCreated(bucket: string, key: string, eTag: string, size: number): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local-replay' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local-replay', 'x-amz-id-2': 'local-replay' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-replay',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key, size, eTag, sequencer: '0' },
        },
      },
    ],
  };
}
