// Escalations: the plan/act functions, the state machine that loops them, and the queue that starts them.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  ESCALATION_STARTS_BATCHING_WINDOW_SECONDS,
  queueVisibilitySeconds,
  type StageConfig,
  startsPerSecondPerConsumer,
  stateMachineNames,
} from '../config';
import type { EmailChannel } from '../stateless-stack';
import { CONTACT_LEDGER_CASE_INDEX, type DataStores } from './data-stores';
import { EscalationStateMachine } from './escalation-state-machine';
import { OverdueFunction, type OverdueFunctionProps } from './overdue-function';
import { WorkQueue } from './work-queue';

export interface EscalationWorkflowProps {
  readonly config: StageConfig;
  readonly stores: DataStores;
  /** The SES identity and configuration set ActMessage sends email through. */
  readonly email: EmailChannel;
}

/**
 * Defaults: one STANDARD execution per account and delinquency cycle (`overdue-<stage>-escalation`).
 * Executions are started by one consumer, StartEscalations, from the `EscalationStarts` queue that intake
 * and the feed-load batches send to: `escalationStarts.maxConcurrency` consumers, each starting at most its
 * share of `escalationStarts.ratePerSecond` (`STARTS_PER_SECOND`), batches of `escalationStarts.batchSize`
 * gathered for up to a second, failed starts returned one by one (reportBatchItemFailures) and moved to the
 * dead-letter queue after 5 receives. Grants: PlanNextStep reads cases and the contact ledger; the Act functions
 * read and mark cases and append to the trail, and each reaches only its own channel: ActMessage reserves
 * contacts in the ledger, opens PII and sends SMS (SNS) and email (SES); ActLetter the same with letters
 * (`letters/` of the drop bucket) instead; ActBank publishes freeze requests (EventBridge); ActOnWorkItem nothing
 * more. OpenTask opens work items; RecordFault parks cases; StartEscalations starts and stops executions (all
 * Step Functions calls of intake and payments go through its queue, paced) and updates cases.
 */
export class EscalationWorkflow extends Construct {
  readonly machine: EscalationStateMachine;
  /** `…:execution:overdue-<stage>-escalation:*`: what may be stopped when a case closes. */
  readonly executionsArn: string;
  readonly starts: WorkQueue;
  readonly planNextStep: OverdueFunction;
  readonly actMessage: OverdueFunction;
  readonly actLetter: OverdueFunction;
  readonly actBank: OverdueFunction;
  readonly actOnWorkItem: OverdueFunction;
  readonly openTask: OverdueFunction;
  readonly recordFault: OverdueFunction;
  readonly startEscalations: OverdueFunction;

  constructor(scope: Construct, id: string, props: EscalationWorkflowProps) {
    super(scope, id);
    const { config, stores } = props;
    const bankIds = config.banks.map((bank) => bank.bankId);
    const machineName = stateMachineNames(config.stage).escalation;

    const ledgerIndex = [CONTACT_LEDGER_CASE_INDEX.name];
    this.planNextStep = new OverdueFunction(this, 'PlanNextStep', {
      config,
      sizing: 'planNextStep',
      entry: 'lambdas/handlers/plan-next-step.ts',
      description: 'Plans the next escalation step',
    })
      // Reads the case; pins its ladder version, records a pause, an end or a step passed over.
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem', 'UpdateItem'] })
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] })
      // The guard reads the debtor's contact history (heads) and the case's letters (by-case).
      .bindTable(stores.contactLedgerTable, 'CONTACT_LEDGER_TABLE_NAME', {
        items: ['GetItem'],
        queryIndexes: ledgerIndex,
      });

    // The Act functions: each reads the case and marks the step done (a conditional update), and appends the
    // claim, the refusal or the sent record to the trail (puts only, conditioned in the adapter).
    const actFunction = (id: string, props: OverdueFunctionProps) =>
      new OverdueFunction(this, id, props)
        .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem', 'UpdateItem'] })
        .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] });
    // A contact reserves and settles its slot in the debtor's ledger (one transaction of a conditional put and
    // conditional updates), reads the case's letters (by-case), and opens the address.
    const contacting = (house: OverdueFunction) =>
      house
        .bindTable(stores.contactLedgerTable, 'CONTACT_LEDGER_TABLE_NAME', {
          items: ['GetItem', 'PutItem', 'UpdateItem'],
          queryIndexes: ledgerIndex,
        })
        .bindPiiKey(stores.piiKey, 'open', bankIds);

    this.actMessage = contacting(
      actFunction('ActMessage', {
        config,
        sizing: 'actMessage',
        entry: 'lambdas/handlers/act-message.ts',
        description: 'Sends the SMS or email of an escalation step the guard allows',
      }),
    )
      .setEnvironment({
        SMS_SENDER_ID: config.smsSenderId,
        EMAIL_FROM_ADDRESS: props.email.fromAddress,
        EMAIL_CONFIGURATION_SET: props.email.configurationSet.configurationSetName,
      })
      // Direct-to-phone SMS publishes have no topic ARN to scope the permission to.
      .allow(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }))
      // Email only from the stage's address on its identity, only through its configuration set.
      .allow(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          conditions: { StringEquals: { 'ses:FromAddress': props.email.fromAddress } },
          resources: [
            Stack.of(this).formatArn({
              service: 'ses',
              resource: 'identity',
              resourceName: props.email.identity.emailIdentityName,
            }),
            Stack.of(this).formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: props.email.configurationSet.configurationSetName,
            }),
          ],
        }),
      );

    this.actLetter = contacting(
      actFunction('ActLetter', {
        config,
        sizing: 'actLetter',
        entry: 'lambdas/handlers/act-letter.ts',
        description: 'Stores the letter of an escalation step the guard allows',
      }),
    )
      // Letters are rendered into the drop bucket's letters/ prefix (a HEAD first: ListBucket makes a
      // missing letter a 404, not a 403).
      .bindBucket(stores.dropBucket, stores.dataKey, 'DROP_BUCKET_NAME', {
        read: ['letters'],
        write: ['letters'],
        listForMissingKeys: true,
      })
      .setEnvironment({ DROP_BUCKET_KEY_ARN: stores.dataKey.keyArn });

    // A freeze request is not a contact: no ledger, no personal data.
    this.actBank = actFunction('ActBank', {
      config,
      sizing: 'actBank',
      entry: 'lambdas/handlers/act-bank.ts',
      description: 'Sends the freeze request of an escalation step the guard allows',
    })
      .setEnvironment({ BANK_EVENTS_BUS_NAME: stores.bankEventsBus.eventBusName })
      .allow(
        new PolicyStatement({ actions: ['events:PutEvents'], resources: [stores.bankEventsBus.eventBusArn] }),
      );

    // Records what a person answered on a work item (or its default): nothing is sent.
    this.actOnWorkItem = actFunction('ActOnWorkItem', {
      config,
      sizing: 'actOnWorkItem',
      entry: 'lambdas/handlers/act-on-work-item.ts',
      description: 'Records the outcome of an escalation work item',
    });

    // Opens a work item holding the task token; completing it (states:SendTaskSuccess) is the staff API's.
    this.openTask = new OverdueFunction(this, 'OpenTask', {
      config,
      sizing: 'openTask',
      entry: 'lambdas/handlers/open-task.ts',
      description: 'Opens the work item an escalation step waits for',
    })
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem'] })
      // Creates the item; a retried task refreshes its token (UpdateItem).
      .bindTable(stores.workItemsTable, 'WORK_ITEMS_TABLE_NAME', { items: ['PutItem', 'UpdateItem'] })
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] });
    // Parks a case whose escalation task failed for good and counts it (escalationsParked, alarmed). The
    // metric goes out in its logs (EMF): no cloudwatch:PutMetricData.
    this.recordFault = new OverdueFunction(this, 'RecordFault', {
      config,
      sizing: 'recordFault',
      entry: 'lambdas/handlers/record-fault.ts',
      description: 'Parks a case whose escalation failed',
    })
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['UpdateItem'] })
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] });

    this.machine = new EscalationStateMachine(this, 'Escalation', {
      planNextStep: this.planNextStep.fn,
      act: {
        ActMessage: this.actMessage.fn,
        ActLetter: this.actLetter.fn,
        ActBank: this.actBank.fn,
        ActOnWorkItem: this.actOnWorkItem.fn,
      },
      openTask: this.openTask.fn,
      recordFault: this.recordFault.fn,
      logRetention: config.logRetention,
      logRemovalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      stateMachineName: machineName,
    });
    // The logical id it had before this construct existed: under a new one CloudFormation would create a
    // second machine of the same name (refused) and delete the one whose executions are the escalations.
    (this.machine.stateMachine.node.defaultChild as CfnStateMachine).overrideLogicalId('EscalationED1F6CC4');
    this.executionsArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${machineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const sizing = config.functions.startEscalations;
    this.starts = new WorkQueue(this, 'EscalationStarts', {
      queueName: `overdue-${config.stage}-escalation-starts`,
      visibilityTimeout: Duration.seconds(
        queueVisibilitySeconds(sizing.timeoutSeconds, ESCALATION_STARTS_BATCHING_WINDOW_SECONDS),
      ),
      // A start refused for throttling goes back to the queue; five receives ride out a burst.
      maxReceiveCount: 5,
    });
    this.startEscalations = new OverdueFunction(this, 'StartEscalations', {
      config,
      sizing: 'startEscalations',
      entry: 'lambdas/handlers/start-escalations.ts',
      description: 'Starts queued escalations at the stage rate',
    })
      .consume(this.starts.queue, {
        batchSize: config.escalationStarts.batchSize,
        maxBatchingWindow: Duration.seconds(ESCALATION_STARTS_BATCHING_WINDOW_SECONDS),
        maxConcurrency: config.escalationStarts.maxConcurrency,
        reportBatchItemFailures: true,
      })
      .allowStartExecution(this.machine.stateMachine, 'STATE_MACHINE_ARN')
      // Stops the escalation of a case that closed (intake and payments ask through the queue).
      .allowStopExecutions(this.machine.stateMachine, this.executionsArn, 'STATE_MACHINE_ARN')
      // Records on the case that its escalation has started, takes the next run of a resume, and reads the
      // current run of a stop that does not name one.
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem', 'UpdateItem'] })
      .setEnvironment({ STARTS_PER_SECOND: String(startsPerSecondPerConsumer(config)) });
  }
}
