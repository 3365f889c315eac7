// The stateless stack: feed intake, the escalation workflow, the staff API, the email channel and monitoring.
import { Stack, type StackProps } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet, ConfigurationSetTlsPolicy, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { bankEventsBusName, dropBucketName, type FunctionName, type StageConfig, tableNames } from './config';
import type { DataStores } from './constructs/data-stores';
import { EscalationWorkflow } from './constructs/escalation-workflow';
import { FeedIntake } from './constructs/feed-intake';
import { Monitoring } from './constructs/monitoring';
import type { OverdueFunction } from './constructs/overdue-function';
import { StaffApi } from './constructs/staff-api';

export { STAFF_GROUPS } from './constructs/staff-api';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly dataKey: IKey;
  readonly piiKey: IKey;
  readonly indexKey: IKey;
}

/** The email channel reminders go out through; a function binds it to send (the SesEmailSender's settings). */
export interface EmailChannel {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  readonly fromAddress: string;
}

export class StatelessStack extends Stack {
  readonly stage: StageConfig['stage'];
  /** What the stateful stack holds, as the stateless constructs are given it (the escalation workflow binds these). */
  readonly stores: DataStores;
  readonly email: EmailChannel;
  readonly escalation: EscalationWorkflow;
  readonly intake: FeedIntake;
  readonly staffApi: StaffApi;
  readonly monitoring: Monitoring;
  /** Every house function by its name in the stage config. */
  readonly functions: Readonly<Record<FunctionName, OverdueFunction>>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.stage = config.stage;
    // Tables and the bucket by their derived names (see config.ts): grants then name
    // `table/overdue-<stage>-cases/index/by-mobileIndex` and `…-drop-…/incoming/*`, and the bucket's
    // notifications live in this stack (attached to the stateful bucket, they would make that stack depend
    // on this one: a cycle).
    const names = tableNames(config.stage);
    const stores: DataStores = {
      casesTable: Table.fromTableAttributes(this, 'CasesRef', {
        tableName: names.cases,
        encryptionKey: props.dataKey,
      }),
      trailTable: Table.fromTableAttributes(this, 'TrailRef', {
        tableName: names.trail,
        encryptionKey: props.dataKey,
      }),
      contactLedgerTable: Table.fromTableAttributes(this, 'ContactLedgerRef', {
        tableName: names.contactLedger,
        encryptionKey: props.dataKey,
      }),
      workItemsTable: Table.fromTableAttributes(this, 'WorkItemsRef', {
        tableName: names.workItems,
        encryptionKey: props.dataKey,
      }),
      bankEventsBus: EventBus.fromEventBusName(this, 'BankEventsRef', bankEventsBusName(config.stage)),
      dropBucket: Bucket.fromBucketName(this, 'DropBucketRef', dropBucketName(config.stage)),
      dataKey: props.dataKey,
      piiKey: props.piiKey,
      indexKey: props.indexKey,
    };

    this.stores = stores;
    // Email: the identity and configuration set reminders are sent through (the SesEmailSender names the set
    // on every send; ActMessage is granted to send through it). Reminders carry personal data: SES delivers them
    // over TLS or not at all.
    const configurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: config.email.configurationSetName,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
    });
    const identity = new EmailIdentity(this, 'EmailIdentity', {
      identity: Identity.domain(config.email.identityDomain),
      configurationSet,
    });
    this.email = { configurationSet, identity, fromAddress: config.email.fromAddress };
    this.escalation = new EscalationWorkflow(this, 'EscalationWorkflow', {
      config,
      stores,
      email: this.email,
    });
    this.intake = new FeedIntake(this, 'FeedIntake', {
      config,
      stores,
      escalationStarts: this.escalation.starts.queue,
      starter: this.escalation.startEscalations,
    });
    this.staffApi = new StaffApi(this, 'StaffApi', { config, stores });
    this.functions = {
      ingestFeed: this.intake.ingestFeed,
      feedLoadSegment: this.intake.feedLoadSegment,
      feedLoadFinish: this.intake.feedLoadFinish,
      startEscalations: this.escalation.startEscalations,
      planNextStep: this.escalation.planNextStep,
      actMessage: this.escalation.actMessage,
      actLetter: this.escalation.actLetter,
      actBank: this.escalation.actBank,
      actOnWorkItem: this.escalation.actOnWorkItem,
      openTask: this.escalation.openTask,
      recordFault: this.escalation.recordFault,
      getCase: this.staffApi.getCase,
      findCases: this.staffApi.findCases,
    };

    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      topicKey: props.dataKey,
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, house]) => [name, house.fn])),
      deadLetterQueues: {
        FeedEvents: this.intake.feedEvents.deadLetters,
        EscalationStarts: this.escalation.starts.deadLetters,
      },
      feedEvents: this.intake.feedEvents.queue,
      escalationStarts: this.escalation.starts.queue,
      escalation: this.escalation.machine.stateMachine,
      feedLoad: this.intake.feedLoad.stateMachine,
      startEscalations: this.escalation.startEscalations.fn,
      intakeServiceName: this.intake.ingestFeed.serviceName,
      recordFaultServiceName: this.escalation.recordFault.serviceName,
    });
  }
}
