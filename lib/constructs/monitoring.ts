// Monitoring: one encrypted alarm topic and every alarm that means a debtor was not handled as the ladder says.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { alarmNamePrefix, type StageConfig } from '../config';

export interface MonitoringProps {
  readonly config: StageConfig;
  /** Encrypts the alarm topic; its key policy lets CloudWatch alarms of this account use it. */
  readonly topicKey: IKey;
  /** Every function whose errors alarm, by a name for the alarm. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Every dead-letter queue, by a name for the alarm: any message in one is a failure left unhandled. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** The queue of feed events, whose oldest message says how long a dropped file has been waiting. */
  readonly feedEvents: IQueue;
  /** The start buffer, whose oldest message says how late escalations and large feeds' runs start. */
  readonly escalationStarts: IQueue;
  readonly escalation: IStateMachine;
  readonly feedLoad: IStateMachine;
  /** Throttled only when the account runs out of concurrency: its own is capped by its event source. */
  readonly startEscalations: IFunction;
  /** The Powertools service name under which intake emits `feedRejectPercent`. */
  readonly intakeServiceName: string;
  /** The Powertools service name under which RecordFault emits `escalationsParked`. */
  readonly recordFaultServiceName: string;
}

/**
 * Defaults: every alarm looks at 5-minute periods, fires on the first breaching one, treats missing data as
 * fine (no traffic is no failure) and notifies the `Alarms` topic (KMS-encrypted, TLS only; `alarmEmail`
 * subscribed when set). Alarms: a function error; a message in a dead-letter queue; the oldest feed event
 * older than `feedEventAgeAlarmMinutes`; the oldest start request older than
 * `escalationStarts.waitAlarmMinutes`; a failed escalation or feed-load execution; StartEscalations
 * throttled; a feed rejecting more than `feedRejectAlarmPercent` of its rows; an escalation parked (a task
 * failed after its retries: the case needs attention).
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly notify: SnsAction;
  private readonly alarmPrefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    this.alarmPrefix = alarmNamePrefix(config.stage);
    this.topic = new Topic(this, 'Alarms', { masterKey: props.topicKey, enforceSSL: true });
    // enforceSSL gives the topic a resource policy, which replaces SNS's default one: without this statement
    // CloudWatch may not publish, and every alarm action fails. Only this account's alarms.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${this.alarmPrefix}*`,
          },
        },
      }),
    );
    if (config.alarmEmail) this.topic.addSubscription(new EmailSubscription(config.alarmEmail));
    this.notify = new SnsAction(this.topic);
    const period = Duration.minutes(5);

    for (const [name, fn] of Object.entries(props.functions)) {
      this.atLeastOne(`${name}Errors`, fn.metricErrors({ period }), `${name} function errors`);
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.atLeastOne(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        `${name}: a message was given up on and waits in the dead-letter queue; redrive it once the cause is fixed`,
      );
    }
    this.add(
      'FeedEventWaiting',
      props.feedEvents.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      config.feedEventAgeAlarmMinutes * 60,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `A dropped file has waited more than ${config.feedEventAgeAlarmMinutes} minutes to be loaded`,
    );
    this.add(
      'StartsWaiting',
      props.escalationStarts.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      config.escalationStarts.waitAlarmMinutes * 60,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `A start request (an escalation, or a large feed's map run) has waited more than ` +
        `${config.escalationStarts.waitAlarmMinutes} minutes: see StartEscalations' logs and escalationStartThrottles`,
    );
    this.atLeastOne(
      'EscalationsFailed',
      props.escalation.metricFailed({ period }),
      'An escalation execution failed: a case stopped being worked',
    );
    this.atLeastOne(
      'FeedLoadsFailed',
      props.feedLoad.metricFailed({ period }),
      'A large feed failed to load: no report was written; see the feed-load execution',
    );
    this.atLeastOne(
      'StartEscalationsThrottled',
      props.startEscalations.metricThrottles({ period }),
      'StartEscalations was throttled: the account is out of Lambda concurrency, escalations start late',
    );
    this.add(
      'FeedRejectRatio',
      new Metric({
        namespace: 'Overdue',
        metricName: 'feedRejectPercent',
        dimensionsMap: { service: props.intakeServiceName },
        statistic: 'Maximum',
        period,
      }),
      config.feedRejectAlarmPercent,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `A feed file rejected more than ${config.feedRejectAlarmPercent}% of its rows: check rejects/`,
    );
    this.atLeastOne(
      'EscalationsParked',
      new Metric({
        namespace: 'Overdue',
        metricName: 'escalationsParked',
        dimensionsMap: { service: props.recordFaultServiceName },
        statistic: 'Sum',
        period,
      }),
      'An escalation task failed after its retries and the case was parked: it is not worked until someone ' +
        'looks (RecordFault logs name the case and the error)',
    );
  }

  private atLeastOne(id: string, metric: IMetric, description: string): void {
    this.add(id, metric, 1, ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description);
  }

  private add(
    id: string,
    metric: IMetric,
    threshold: number,
    comparisonOperator: ComparisonOperator,
    alarmDescription: string,
  ): void {
    const alarm = new Alarm(this, id, {
      // Named under the stage's prefix: the data key lets CloudWatch use it for these alarms only.
      alarmName: `${this.alarmPrefix}${id}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription,
    });
    alarm.addAlarmAction(this.notify);
    this.alarms.push(alarm);
  }
}
