/** The feed row's conditional write: the same attribute values the SDK's own marshalling gives, nothing lost. */

import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { attributeValue, feedUpsertRequest } from '../../../lambdas/adapters/aws/dynamo-case-store';
import { localVault, sealedCase } from '../../support/fakes';

describe('feedUpsertRequest', () => {
  it('marshals every case attribute exactly as @aws-sdk/util-dynamodb does', async () => {
    const collectionCase = await sealedCase(localVault().vault, { flags: ['hardship'], cardLast4: '1234' });
    const request = feedUpsertRequest('cases', collectionCase);
    const values = request.ExpressionAttributeValues ?? {};
    for (const [attribute, value] of Object.entries(collectionCase)) {
      if (['caseId', 'completedSteps', 'lastStepAt', 'createdAt'].includes(attribute)) continue;
      expect(values[`:${attribute}`], attribute).toEqual(marshall({ value }).value);
      expect(request.UpdateExpression).toContain(`#${attribute} = :${attribute}`);
    }
    expect(request.Key).toEqual({ caseId: { S: collectionCase.caseId } });
    expect(request.ConditionExpression).toBe('attribute_not_exists(#caseId) OR #asOf < :asOf');
    expect(request.UpdateExpression).not.toMatch(/#completedSteps|#createdAt/);
  });

  it('removes optional attributes the row leaves out, and refuses values DynamoDB cannot hold', async () => {
    const collectionCase = await sealedCase(localVault().vault);
    const request = feedUpsertRequest('cases', { ...collectionCase, cardLast4: undefined });
    expect(request.UpdateExpression).toMatch(/ REMOVE .*cardLast4/);
    expect(attributeValue({ a: undefined, b: [1, true, null] })).toEqual({
      M: { b: { L: [{ N: '1' }, { BOOL: true }, { NULL: true }] } },
    });
    expect(() => attributeValue(Number.NaN)).toThrow(TypeError);
    expect(() => attributeValue(() => 1)).toThrow(TypeError);
  });
});
