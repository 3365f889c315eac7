/** The plumbing the runtime relies on: feed events and escalation starts through SQS, the feed-load map, alarms. */

import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { stageConfigs } from '../../lib/config';
import { FEED_LOAD_STATES } from '../../lib/constructs/feed-load-state-machine';
import { synthesize } from './synthesize';
import { logicalIdOf } from './synthesized-iam';

const dev = synthesize('dev');
const prod = synthesize('prod');
const { stateless } = dev.stacks;
const { functions } = stateless;

/** A resource of the stateless stack, by the construct that made it (template JSON, loosely typed). */
function resource(synthesized: typeof dev, construct: Parameters<typeof logicalIdOf>[0]) {
  return synthesized.stateless.toJSON().Resources[logicalIdOf(construct)];
}
const environment = (synthesized: typeof dev, name: keyof typeof functions) =>
  resource(synthesized, synthesized.stacks.stateless.functions[name].fn).Properties.Environment
    .Variables as Record<string, unknown>;
const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const arn = (construct: Parameters<typeof logicalIdOf>[0]) => ({
  'Fn::GetAtt': [logicalIdOf(construct), 'Arn'],
});

function eventSourceOf(synthesized: typeof dev, name: keyof typeof functions) {
  const mappings = Object.values(
    synthesized.stateless.findResources('AWS::Lambda::EventSourceMapping'),
  ).filter(
    (mapping) =>
      mapping.Properties.FunctionName.Ref === logicalIdOf(synthesized.stacks.stateless.functions[name].fn),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]?.Properties;
}

describe('feed events through SQS', () => {
  const intake = stateless.intake;

  it('sends ObjectCreated under incoming/ and payments/ to the FeedEvents queue, and to no function directly', () => {
    const [notifications] = Object.values(dev.stateless.findResources('Custom::S3BucketNotifications'));
    const configuration = notifications?.Properties.NotificationConfiguration;
    expect(configuration.LambdaFunctionConfigurations).toBeUndefined();
    expect(configuration.QueueConfigurations).toEqual(
      ['incoming/', 'payments/'].map((prefix) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
        QueueArn: arn(intake.feedEvents.queue),
      })),
    );
    // S3 checks its permission to send when the notification is put: the queue policy must exist first.
    expect(notifications?.DependsOn).toContain(logicalIdOf(intake.feedEvents.queue.node.findChild('Policy')));
  });

  it('lets S3 send to it from this bucket in this account only, and requires TLS', () => {
    const policy = dev.iam.resourcePolicyOf(intake.feedEvents.queue);
    const fromS3 = policy.filter((statement) => statement.principals.includes('s3.amazonaws.com'));
    expect(fromS3).toHaveLength(1);
    expect(fromS3[0]?.actions).toEqual(['sqs:SendMessage']);
    expect(fromS3[0]?.conditions).toEqual({
      ArnEquals: {
        'aws:SourceArn': ['arn:<AWS::Partition>:s3:::overdue-dev-drop-<AWS::AccountId>-<AWS::Region>'],
      },
      StringEquals: { 'aws:SourceAccount': ['<AWS::AccountId>'] },
    });
    expect(policy.some((statement) => statement.effect === 'Deny' && statement.conditions.Bool)).toBe(true);
  });

  it('is consumed by intake one event at a time, a few files at once, failures reported per message', () => {
    const source = eventSourceOf(dev, 'ingestFeed');
    expect(source.EventSourceArn).toEqual(arn(intake.feedEvents.queue));
    expect(source.BatchSize).toBe(1);
    expect(source.ScalingConfig).toEqual({ MaximumConcurrency: stageConfigs.dev.intakeMaxConcurrency });
    expect(source.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(source.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  it('hides a message for 6 × the intake timeout (90 min), gives up after 3 receives, keeps dead letters 14 days', () => {
    for (const synthesized of [dev, prod]) {
      const { feedEvents } = synthesized.stacks.stateless.intake;
      const queue = resource(synthesized, feedEvents.queue).Properties;
      const stage = synthesized.stacks.stateless.stage;
      expect(queue.VisibilityTimeout).toBe(6 * stageConfigs[stage].functions.ingestFeed.timeoutSeconds);
      expect(queue.VisibilityTimeout).toBe(5400);
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: arn(feedEvents.deadLetters),
        maxReceiveCount: 3,
      });
      expect(queue.SqsManagedSseEnabled).toBe(true);
      const deadLetters = resource(synthesized, feedEvents.deadLetters).Properties;
      expect(deadLetters.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(deadLetters.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('tells intake where to hand a file over and where to queue escalation starts and stops', () => {
    const env = environment(dev, 'ingestFeed');
    expect(env.FEED_EVENTS_QUEUE_URL).toEqual(ref(intake.feedEvents.queue));
    expect(env.ESCALATION_STARTS_QUEUE_URL).toEqual(ref(stateless.escalation.starts.queue));
    // No Step Functions call of its own: stops and large feeds' map runs go through the start buffer, whose
    // consumer is told the feed-load machine.
    expect(env.STATE_MACHINE_ARN).toBeUndefined();
    expect(env.FEED_LOAD_STATE_MACHINE_ARN).toBeUndefined();
    expect(env.LARGE_FEED_BYTES).toBe(String(stageConfigs.dev.largeFeedBytes));
    expect(environment(dev, 'startEscalations').FEED_LOAD_STATE_MACHINE_ARN).toEqual(
      ref(intake.feedLoad.stateMachine),
    );
    expect(environment(dev, 'feedLoadSegment').ESCALATION_STARTS_QUEUE_URL).toEqual(
      ref(stateless.escalation.starts.queue),
    );
  });
});

describe('escalation starts through SQS', () => {
  const { starts } = stateless.escalation;

  it('are consumed by StartEscalations with the stage’s batch size and concurrency, a 1 s window, per-message failures', () => {
    for (const [synthesized, config] of [
      [dev, stageConfigs.dev],
      [prod, stageConfigs.prod],
    ] as const) {
      const source = eventSourceOf(synthesized, 'startEscalations');
      expect(source.EventSourceArn).toEqual(arn(synthesized.stacks.stateless.escalation.starts.queue));
      expect(source.BatchSize).toBe(config.escalationStarts.batchSize);
      expect(source.ScalingConfig).toEqual({ MaximumConcurrency: config.escalationStarts.maxConcurrency });
      expect(source.MaximumBatchingWindowInSeconds).toBe(1);
      expect(source.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('tell each consumer its share of the rate, the machine and the cases table', () => {
    expect(environment(dev, 'startEscalations')).toMatchObject({
      STATE_MACHINE_ARN: ref(stateless.escalation.machine.stateMachine),
      CASES_TABLE_NAME: 'overdue-dev-cases',
      STARTS_PER_SECOND: '50',
    });
    expect(environment(prod, 'startEscalations').STARTS_PER_SECOND).toBe('125');
  });

  it('hide a batch for 6 × the consumer timeout plus the window, and dead-letter after 5 receives', () => {
    const queue = resource(dev, starts.queue).Properties;
    expect(queue.VisibilityTimeout).toBe(6 * stageConfigs.dev.functions.startEscalations.timeoutSeconds + 1);
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: arn(starts.deadLetters), maxReceiveCount: 5 });
  });
});

describe('the feed-load Distributed Map', () => {
  const machine = resource(dev, stateless.intake.feedLoad.stateMachine);
  const definitionText = dev.iam.renderValue(machine.Properties.DefinitionString);
  const definition = JSON.parse(definitionText);
  const map = definition.States[FEED_LOAD_STATES.loadSegments];

  it('has the state names the runtime tests use', () => {
    expect(definition.StartAt).toBe(FEED_LOAD_STATES.loadSegments);
    expect(Object.keys(definition.States).sort()).toEqual([
      FEED_LOAD_STATES.finish,
      FEED_LOAD_STATES.loadSegments,
    ]);
    expect(Object.keys(map.ItemProcessor.States)).toEqual([FEED_LOAD_STATES.loadSegment]);
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
  });

  it('reads a JSON manifest of segment references named by $.manifestKey, and no CSV at all', () => {
    expect(map.ItemReader).toEqual({
      Resource: 'arn:<AWS::Partition>:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: 'overdue-dev-drop-<AWS::AccountId>-<AWS::Region>', 'Key.$': '$.manifestKey' },
    });
    expect(definitionText).not.toMatch(/CSV/i);
    expect(map.ItemBatcher).toBeUndefined();
  });

  it('hands each child one segment with the file it belongs to', () => {
    expect(map.ItemSelector).toEqual({
      'segment.$': '$$.Map.Item.Value',
      'key.$': '$.key',
      'version.$': '$.version',
      'bankId.$': '$.bankId',
      'manifestKey.$': '$.manifestKey',
    });
  });

  it('writes results under feed-loads/ at the stage’s concurrency, retrying Lambda faults with backoff', () => {
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:<AWS::Partition>:states:::s3:putObject',
      Parameters: { Bucket: 'overdue-dev-drop-<AWS::AccountId>-<AWS::Region>', Prefix: 'feed-loads' },
    });
    expect(map.MaxConcurrency).toBe(stageConfigs.dev.feedLoad.maxConcurrency);
    expect(map.ResultPath).toBe('$.map');
    const lambdaFaults = expect.objectContaining({
      ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']),
      BackoffRate: 2,
      MaxAttempts: 6,
    });
    expect(definition.States.Finish.Retry).toEqual([lambdaFaults]);
    // A failed segment (throttled past its own waits, timed out) is loaded again whole: its writes are idempotent.
    expect(map.ItemProcessor.States[FEED_LOAD_STATES.loadSegment].Retry).toEqual([
      lambdaFaults,
      expect.objectContaining({ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 3 }),
    ]);
  });

  it('gives Finish the file, the manifest and the map’s own result manifest', () => {
    expect(definition.States[FEED_LOAD_STATES.finish].Parameters).toEqual({
      'key.$': '$.key',
      'bankId.$': '$.bankId',
      'version.$': '$.version',
      'startedAt.$': '$.startedAt',
      'manifestKey.$': '$.manifestKey',
      'resultManifestKey.$': '$.map.ResultWriterDetails.Key',
    });
  });

  it('logs every transition without execution data', () => {
    expect(machine.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: false,
    });
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });
});

describe('alarms', () => {
  const alarms = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties,
  );
  const dimension = (alarm: (typeof alarms)[number]) => alarm.Dimensions?.[0]?.Value;

  it('fire on every dead-letter queue holding any message', () => {
    const deadLetters = alarms.filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(deadLetters.map(dimension).sort()).toEqual(
      [stateless.intake.feedEvents.deadLetters, stateless.escalation.starts.deadLetters]
        .map((queue) => ({ 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] }))
        .sort(),
    );
    for (const alarm of deadLetters) {
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('fire when the oldest feed event, or the oldest start request, has waited longer than the stage allows', () => {
    const waiting = alarms.filter((alarm) => alarm.MetricName === 'ApproximateAgeOfOldestMessage');
    const queueName = (queue: IConstruct) => ({ 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] });
    expect(waiting.map((alarm) => [dimension(alarm), alarm.Threshold])).toEqual([
      [queueName(stateless.intake.feedEvents.queue), stageConfigs.dev.feedEventAgeAlarmMinutes * 60],
      // After a large feed's hand-over the feed event is gone: its run waits here.
      [queueName(stateless.escalation.starts.queue), stageConfigs.dev.escalationStarts.waitAlarmMinutes * 60],
    ]);
  });

  it('are named under the stage’s prefix, which the data key’s CloudWatch grant names', () => {
    for (const alarm of alarms) expect(alarm.AlarmName).toMatch(/^overdue-dev-[A-Za-z]+$/);
  });

  it('fire on failed escalation and feed-load executions, function errors and StartEscalations throttles', () => {
    const failed = alarms.filter((alarm) => alarm.MetricName === 'ExecutionsFailed').map(dimension);
    expect(failed).toEqual(
      expect.arrayContaining([
        ref(stateless.escalation.machine.stateMachine),
        ref(stateless.intake.feedLoad.stateMachine),
      ]),
    );
    expect(failed).toHaveLength(2);
    const errors = alarms.filter((alarm) => alarm.MetricName === 'Errors').map(dimension);
    expect(errors).toHaveLength(Object.keys(functions).length);
    for (const house of Object.values(functions)) expect(errors).toContainEqual(ref(house.fn));
    const throttles = alarms.filter((alarm) => alarm.MetricName === 'Throttles').map(dimension);
    expect(throttles).toEqual([ref(functions.startEscalations.fn)]);
  });

  it('all notify the encrypted alarm topic', () => {
    const topic = ref(stateless.monitoring.topic);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
  });

  it('may publish to the topic, whose TLS-only policy would otherwise leave CloudWatch out: this account’s alarms only', () => {
    const policies = Object.values(dev.stateless.findResources('AWS::SNS::TopicPolicy'));
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const allow = statements.find((statement) => statement.Effect === 'Allow');
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(allow.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:overdue-dev-*');
    expect(statements.filter((statement) => statement.Effect === 'Deny')).toHaveLength(1);
  });
});
