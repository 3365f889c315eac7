// Who may drop a bank's feeds: one writer role per bank, and a bucket policy that lets no one else write them.
import { Aws, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  CompositePrincipal,
  Effect,
  type IPrincipal,
  PolicyStatement,
  Role,
  StarPrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type BankConfig, bankWriterRoleName, type Stage } from '../config';

/** The prefixes a bank writes, each followed by its bank id: `incoming/<bankId>/`, `payments/<bankId>/`. */
export const BANK_FEED_PREFIXES = ['incoming', 'payments'] as const;

export interface BankWritersProps {
  readonly stage: Stage;
  readonly banks: readonly BankConfig[];
  readonly bucket: IBucket;
  readonly bucketKey: IKey;
}

/**
 * Defaults: per bank a role `overdue-<stage>-writer-<bankId>`, assumable by the bank's `writerPrincipals`
 * (this account when none are given), that may put objects (and abort its multipart uploads) under
 * `incoming/<bankId>/` and `payments/<bankId>/` only, with the bucket key through S3 only. The bucket policy
 * denies `s3:PutObject` under a bank's two prefixes to every principal but that bank's role, and under
 * `incoming/` and `payments/` to every principal that is no bank's writer: intake takes the bank from the
 * key, so only the bank may have written it. Other prefixes (reports, rejects, feed-loads) are untouched.
 */
export class BankWriters extends Construct {
  readonly roles: Readonly<Record<string, Role>>;

  constructor(scope: Construct, id: string, props: BankWritersProps) {
    super(scope, id);
    const { bucket } = props;
    const roles: Record<string, Role> = {};
    const roleArns: string[] = [];
    for (const bank of props.banks) {
      const roleName = bankWriterRoleName(props.stage, bank.bankId);
      // Named by its derived ARN, not a token: the bucket policy then reads as the role it means.
      const roleArn = Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: roleName,
      });
      const prefixes = BANK_FEED_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}/${bank.bankId}/*`));
      const role = new Role(this, `Writer-${bank.bankId}`, {
        roleName,
        description: `Writes ${bank.displayName}'s feeds under incoming/${bank.bankId}/ and payments/${bank.bankId}/`,
        assumedBy: writers(bank),
      });
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: prefixes }),
      );
      // SSE-KMS uploads need a data key; a multipart upload decrypts it again to complete.
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.bucketKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
      bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: `OnlyWriterOf${bank.bankId.replace(/[^A-Za-z0-9]/g, '')}`,
          effect: Effect.DENY,
          principals: [new StarPrincipal()],
          actions: ['s3:PutObject'],
          resources: prefixes,
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } },
        }),
      );
      roles[bank.bankId] = role;
      roleArns.push(roleArn);
    }
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'FeedsOnlyFromBankWriters',
        effect: Effect.DENY,
        principals: [new StarPrincipal()],
        actions: ['s3:PutObject'],
        resources: BANK_FEED_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}/*`)),
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArns } },
      }),
    );
    this.roles = roles;
  }
}

function writers(bank: BankConfig): IPrincipal {
  const principals = bank.writerPrincipals ?? [];
  if (principals.length === 0) return new AccountRootPrincipal();
  return new CompositePrincipal(...principals.map((arn) => new ArnPrincipal(arn)));
}
