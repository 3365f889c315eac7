/** The contact ledger's table as the adapter expects it: keys, TTL, the case index, a retention the packs accept. */

import { describe, expect, it } from 'vitest';
import {
  CONTACT_LEDGER_CASE_INDEX as ADAPTER_CASE_INDEX,
  CONTACT_LEDGER_TTL_ATTRIBUTE as ADAPTER_TTL_ATTRIBUTE,
  CONTACT_RECORD_RETENTION_YEARS,
  DynamoContactLedger,
} from '../../lambdas/adapters/aws/dynamo-contact-ledger';
import { buildContactLedger } from '../../lambdas/adapters/aws/wiring/contact-ledger';
import { POLICY_PACKS } from '../../lambdas/domain/policy-packs';
import {
  CONTACT_LEDGER_CASE_INDEX,
  CONTACT_LEDGER_KEY,
  CONTACT_LEDGER_TTL_ATTRIBUTE,
} from '../../lib/constructs/data-stores';
import { synthesize } from './synthesize';

const dev = synthesize('dev');
const prod = synthesize('prod');

function ledgerTable(template: typeof dev.stateful, stage: string) {
  const tables = Object.values(template.findResources('AWS::DynamoDB::Table')).filter(
    (table) => table.Properties.TableName === `overdue-${stage}-contact-ledger`,
  );
  expect(tables).toHaveLength(1);
  return tables[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string };
}

describe('contact ledger table', () => {
  it('expires records through TTL on the attribute the adapter writes', () => {
    expect(ADAPTER_TTL_ATTRIBUTE).toBe(CONTACT_LEDGER_TTL_ATTRIBUTE);
    for (const [stage, { stateful }] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      expect(ledgerTable(stateful, stage).Properties.TimeToLiveSpecification).toEqual({
        AttributeName: 'expiresAt',
        Enabled: true,
      });
    }
  });

  it('keeps records at least as long as the longest record retention of any pack (CN-5, US-8)', () => {
    const longest = Math.max(...Object.values(POLICY_PACKS).map((pack) => pack.recordRetentionYears));
    expect(CONTACT_RECORD_RETENTION_YEARS).toBeGreaterThanOrEqual(longest);
    // The adapter as a function builds it (nothing is called: the client only exists).
    const before = process.env.CONTACT_LEDGER_TABLE_NAME;
    process.env.CONTACT_LEDGER_TABLE_NAME = 'overdue-dev-contact-ledger';
    try {
      const built = buildContactLedger();
      expect(built).toBeInstanceOf(DynamoContactLedger);
      for (const pack of Object.values(POLICY_PACKS)) {
        expect((built as DynamoContactLedger).retentionYears).toBeGreaterThanOrEqual(
          pack.recordRetentionYears,
        );
      }
    } finally {
      if (before === undefined) delete process.env.CONTACT_LEDGER_TABLE_NAME;
      else process.env.CONTACT_LEDGER_TABLE_NAME = before;
    }
  });

  it('is keyed by pk alone and lists a case by the by-case index, oldest first, without a Scan', () => {
    expect(ADAPTER_CASE_INDEX).toBe(CONTACT_LEDGER_CASE_INDEX.name);
    const { Properties } = ledgerTable(dev.stateful, 'dev');
    expect(Properties.KeySchema).toEqual([{ AttributeName: CONTACT_LEDGER_KEY, KeyType: 'HASH' }]);
    expect(Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'by-case',
        KeySchema: [
          { AttributeName: 'caseId', KeyType: 'HASH' },
          { AttributeName: 'at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('is on demand, encrypted with the data key, recoverable, and protected from deletion in prod', () => {
    for (const [stage, { stateful, stacks }] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const table = ledgerTable(stateful, stage);
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      const dataKey = stacks.stateful.getLogicalId(stacks.stateful.dataKey.node.defaultChild as never);
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [dataKey, 'Arn'] },
      });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(stage === 'prod');
    }
  });
});
