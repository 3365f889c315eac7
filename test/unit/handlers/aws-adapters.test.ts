import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsDataKeyProvider } from '../../../lambdas/adapters/aws/kms-data-key-provider';
import { SfnEscalationStarter } from '../../../lambdas/adapters/aws/sfn-escalation-starter';

const sfn = mockClient(SFNClient);
const kms = mockClient(KMSClient);
const STATE_MACHINE_ARN = 'arn:aws:states:ap-east-1:111122223333:stateMachine:escalation';
const KEY_ID = 'arn:aws:kms:ap-east-1:111122223333:key/pii';

beforeEach(() => {
  sfn.reset();
  kms.reset();
});

describe('SfnEscalationStarter', () => {
  const input = { caseId: 'demo-bank:ACC-001', cycle: '2026-02-17' };

  it('starts the named execution with the case and cycle as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });

    const started = await new SfnEscalationStarter(new SFNClient({}), STATE_MACHINE_ARN).start(
      'exec-1',
      input,
    );

    expect(started).toBe(true);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'exec-1',
      input: JSON.stringify(input),
    });
  });

  it('returns false when an execution of that name already exists', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const started = await new SfnEscalationStarter(new SFNClient({}), STATE_MACHINE_ARN).start(
      'exec-1',
      input,
    );

    expect(started).toBe(false);
  });

  it('lets any other failure through', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));

    await expect(
      new SfnEscalationStarter(new SFNClient({}), STATE_MACHINE_ARN).start('exec-1', input),
    ).rejects.toThrow('throttled');
  });
});

describe('KmsDataKeyProvider', () => {
  const context = { purpose: 'overdue-pii', bankId: 'demo-bank' };

  it('asks KMS for an AES-256 data key under the encryption context', async () => {
    kms
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: new Uint8Array(32), CiphertextBlob: new Uint8Array([1, 2]) });

    const key = await new KmsDataKeyProvider(new KMSClient({}), KEY_ID).generateDataKey(context);

    expect(key.wrapped).toEqual(new Uint8Array([1, 2]));
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: context,
    });
  });

  it('unwraps a data key under the same encryption context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array([9]) });

    const plaintext = await new KmsDataKeyProvider(new KMSClient({}), KEY_ID).decryptDataKey(
      new Uint8Array([1, 2]),
      context,
    );

    expect(plaintext).toEqual(new Uint8Array([9]));
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toMatchObject({ EncryptionContext: context });
  });

  it('fails when KMS returns no key', async () => {
    kms.on(GenerateDataKeyCommand).resolves({});

    await expect(new KmsDataKeyProvider(new KMSClient({}), KEY_ID).generateDataKey(context)).rejects.toThrow(
      'KMS returned no data key',
    );
  });
});
