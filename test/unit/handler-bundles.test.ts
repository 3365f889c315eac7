/** Each function's bundle holds the SDK clients its handler calls and no other: every one is paid at cold start. */

import { describe, expect, it } from 'vitest';
import { bundleMetafile, handlerEntries, sdkPackagesIn } from '../support/function-bundles';

const DYNAMODB = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

const S3 = ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'];
const SQS = '@aws-sdk/client-sqs';
const SFN = '@aws-sdk/client-sfn';
const KMS = '@aws-sdk/client-kms';

/** What each handler talks to; a handler that starts using a service is added here on purpose. */
const SDK_PACKAGES_BY_HANDLER: Record<string, string[]> = {
  'api-find-cases': [...DYNAMODB, KMS],
  'api-get-case': DYNAMODB,
  'feed-load-finish': S3,
  'feed-load-segment': [...DYNAMODB, KMS, ...S3, SQS],
  'ingest-feed': [...DYNAMODB, KMS, ...S3, SQS],
  // The Act functions: each carries its own channel's clients (letters do not stream: no lib-storage).
  'act-bank': [...DYNAMODB, '@aws-sdk/client-eventbridge'],
  'act-letter': [...DYNAMODB, KMS, '@aws-sdk/client-s3'],
  'act-message': [...DYNAMODB, KMS, '@aws-sdk/client-sns', '@aws-sdk/client-sesv2'],
  'act-on-work-item': DYNAMODB,
  'open-task': DYNAMODB,
  'plan-next-step': DYNAMODB,
  'record-fault': DYNAMODB,
  'start-escalations': [...DYNAMODB, SFN],
};

async function sdkPackagesOf(entryPoint: string, extraSource = ''): Promise<string[]> {
  // Unminified: the same modules, a third of the time.
  return sdkPackagesIn(await bundleMetafile(entryPoint, { extraSource, minify: false }));
}

describe('handler bundles', () => {
  it('names every Lambda entry point under lambdas/handlers, and only those', () => {
    expect(handlerEntries().map((entry) => entry.name)).toEqual(Object.keys(SDK_PACKAGES_BY_HANDLER).sort());
  });

  for (const entry of handlerEntries()) {
    it(`bundles ${entry.name} with exactly the SDK clients it calls`, async () => {
      expect(await sdkPackagesOf(entry.path)).toEqual(
        [...(SDK_PACKAGES_BY_HANDLER[entry.name] ?? [])].sort(),
      );
    });
  }

  it('notices a client the handler does not call (positive control)', async () => {
    const getCase = handlerEntries().find((entry) => entry.name === 'api-get-case');
    expect(getCase).toBeDefined();
    const withSms = await sdkPackagesOf(
      getCase?.path ?? '',
      "export { buildSmsSender } from './lambdas/adapters/aws/wiring/sns';",
    );
    expect(withSms).toContain('@aws-sdk/client-sns');
  });
});
