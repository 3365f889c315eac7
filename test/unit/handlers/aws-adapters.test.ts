import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsDataKeyProvider } from '../../../lambdas/adapters/aws/kms-data-key-provider';

const kms = mockClient(KMSClient);
const KEY_ID = 'arn:aws:kms:ap-east-1:111122223333:key/pii';

beforeEach(() => {
  kms.reset();
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
