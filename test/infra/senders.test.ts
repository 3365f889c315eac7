/** The stores and channels the senders write to: work items, the bank-events bus, letters, the email channel. */

import { describe, expect, it } from 'vitest';
import { WORKLIST_INDEX } from '../../lambdas/adapters/aws/dynamo-work-items';
import { letterKey } from '../../lambdas/adapters/aws/s3-letter-store';
import { RECORD_RETENTION_DAYS, type StageConfig, stageConfigProblems, stageConfigs } from '../../lib/config';
import { synthesize } from './synthesize';
import { logicalIdOf } from './synthesized-iam';

const dev = synthesize('dev');
const prod = synthesize('prod');

function resourceOf(synthesized: typeof dev, stack: 'stateful' | 'stateless', construct: never) {
  return synthesized[stack].toJSON().Resources[logicalIdOf(construct)];
}

describe('work items table', () => {
  it('is keyed by item id, encrypted with the data key, recoverable, and kept in prod', () => {
    for (const synthesized of [dev, prod]) {
      const table = resourceOf(synthesized, 'stateful', synthesized.stacks.stateful.workItemsTable as never);
      const dataKey = logicalIdOf(synthesized.stacks.stateful.dataKey);
      expect(table.Properties.TableName).toBe(`overdue-${synthesized.stacks.stateless.stage}-work-items`);
      expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'itemId', KeyType: 'HASH' }]);
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [dataKey, 'Arn'] },
      });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    expect(resourceOf(prod, 'stateful', prod.stacks.stateful.workItemsTable as never).DeletionPolicy).toBe(
      'Retain',
    );
  });

  it('has the worklist index the adapter queries: by bank and kind, in due order, keys only', () => {
    const table = resourceOf(dev, 'stateful', dev.stacks.stateful.workItemsTable as never);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: WORKLIST_INDEX,
        KeySchema: [
          { AttributeName: 'worklist', KeyType: 'HASH' },
          { AttributeName: 'dueBy', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('is given to the stateless constructs by name, with its key', () => {
    const { workItemsTable } = dev.stacks.stateless.stores;
    expect(dev.stacks.stateless.resolve(workItemsTable.tableName)).toBe('overdue-dev-work-items');
    expect(workItemsTable.encryptionKey).toBeDefined();
  });
});

describe('bank events bus', () => {
  it('is the named custom bus, encrypted with the data key, which lets EventBridge use it for this bus only', () => {
    for (const synthesized of [dev, prod]) {
      const stage = synthesized.stacks.stateless.stage;
      const bus = resourceOf(synthesized, 'stateful', synthesized.stacks.stateful.bankEventsBus as never);
      const dataKey = logicalIdOf(synthesized.stacks.stateful.dataKey);
      expect(bus.Type).toBe('AWS::Events::EventBus');
      expect(bus.Properties.Name).toBe(`overdue-${stage}-bank-events`);
      expect(bus.Properties.KmsKeyIdentifier).toEqual({ 'Fn::GetAtt': [dataKey, 'Arn'] });
      const keyPolicy = JSON.stringify(
        synthesized.stateful.toJSON().Resources[dataKey].Properties.KeyPolicy.Statement,
      );
      expect(keyPolicy).toContain('events.amazonaws.com');
      expect(keyPolicy).toContain(`event-bus/overdue-${stage}-bank-events`);
    }
  });

  it('is given to the stateless constructs by name', () => {
    const { bankEventsBus } = dev.stacks.stateless.stores;
    expect(dev.stacks.stateless.resolve(bankEventsBus.eventBusName)).toBe('overdue-dev-bank-events');
  });
});

describe('letters', () => {
  it('are kept under letters/ for three years, the longest record retention of any pack (CN-5, US-8)', () => {
    expect(RECORD_RETENTION_DAYS).toBeGreaterThanOrEqual(3 * 365 + 1);
    for (const synthesized of [dev, prod]) {
      const bucket = resourceOf(synthesized, 'stateful', synthesized.stacks.stateful.dropBucket as never);
      const rule = bucket.Properties.LifecycleConfiguration.Rules.find(
        (candidate: { Prefix: string }) => candidate.Prefix === 'letters/',
      );
      expect(rule).toEqual({
        Id: 'expire-letters',
        Prefix: 'letters/',
        Status: 'Enabled',
        ExpirationInDays: RECORD_RETENTION_DAYS,
        NoncurrentVersionExpiration: { NoncurrentDays: RECORD_RETENTION_DAYS },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      });
    }
  });

  it('are where the letter store writes them, and no feed rule covers them', () => {
    const key = letterKey({ bankId: 'demo-bank', contactId: 'c', contentType: 'text/html' });
    const bucket = resourceOf(dev, 'stateful', dev.stacks.stateful.dropBucket as never);
    const covering = bucket.Properties.LifecycleConfiguration.Rules.filter((rule: { Prefix: string }) =>
      key.startsWith(rule.Prefix),
    );
    expect(covering.map((rule: { Id: string }) => rule.Id)).toEqual(['expire-letters']);
  });

  it('may not be kept shorter than three years in any stage', () => {
    const shorter: StageConfig = { ...stageConfigs.prod, storedLetters: { expireAfterDays: 365 } };
    expect(stageConfigProblems(shorter)).toEqual([
      `storedLetters.expireAfterDays must be at least ${RECORD_RETENTION_DAYS} (3 years, RULES.md CN-5/US-8)`,
    ]);
    expect(stageConfigProblems(stageConfigs.prod)).toEqual([]);
  });
});

describe('email channel', () => {
  it('sends through the stage’s configuration set, TLS required, on the verified domain', () => {
    for (const synthesized of [dev, prod]) {
      const { email } = stageConfigs[synthesized.stacks.stateless.stage];
      const set = resourceOf(
        synthesized,
        'stateless',
        synthesized.stacks.stateless.email.configurationSet as never,
      );
      expect(set.Properties.Name).toBe(email.configurationSetName);
      expect(set.Properties.DeliveryOptions).toEqual({ TlsPolicy: 'REQUIRE' });
      synthesized.stateless.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: email.identityDomain,
        ConfigurationSetAttributes: {
          ConfigurationSetName: { Ref: logicalIdOf(synthesized.stacks.stateless.email.configurationSet) },
        },
      });
      expect(synthesized.stacks.stateless.email.fromAddress.endsWith(`@${email.identityDomain}`)).toBe(true);
    }
  });
});
