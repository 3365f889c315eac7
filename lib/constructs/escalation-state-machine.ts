// The escalation state machine: plan the next ladder step → wait until its lawful moment → (open a work item and
// wait for a person) → act, in the Act function that carries the step's action → repeat; a task that keeps
// failing parks the case instead of failing the execution.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  QueryLanguage,
  Result,
  type RetryProps,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  ACT_FUNCTIONS,
  ACTIONS_CARRIED_BY,
  type ActFunction,
  STEP_NOT_CARRIED,
} from '../../lambdas/domain/act-functions';

export interface EscalationStateMachineProps {
  readonly planNextStep: IFunction;
  /** The Act functions, each invoked by the state of its name for the actions it carries (ACTIONS_CARRIED_BY). */
  readonly act: Readonly<Record<ActFunction, IFunction>>;
  /** Opens a work item holding the task token (`lambda:invoke.waitForTaskToken`). */
  readonly openTask: IFunction;
  /** Parks the case after a task failed for good. */
  readonly recordFault: IFunction;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Fixed, so that execution ARNs (and the grants on them) can be named: `overdue-<stage>-escalation`. */
  readonly stateMachineName: string;
}

/**
 * State names are a contract: the offline runtime (lambdas/adapters/local/local-escalation-starter.ts) and the
 * workflow tests override the tasks by name (each Act function's task is named after it: ActMessage, ActLetter,
 * ActBank, ActOnWorkItem) and replace every Wait.
 */
export const ESCALATION_STATES = {
  plan: 'PlanNextStep',
  route: 'Route',
  openTask: 'OpenTask',
  taskTimedOut: 'TaskTimedOut',
  finished: 'Finished',
  paused: 'Paused',
  invalidPlan: 'InvalidPlan',
  recordFault: 'RecordFault',
  parked: 'Parked',
} as const;

/** Each Act function's wait until the step's lawful moment: Route goes straight to it, so a step is four transitions. */
export const WAIT_STATES: Readonly<Record<ActFunction, string>> = {
  ActMessage: 'WaitForMessage',
  ActLetter: 'WaitForLetter',
  ActBank: 'WaitForBank',
  ActOnWorkItem: 'WaitForWorkItem',
};

/** The error name RecordFault gets when PlanNextStep returned a plan the machine cannot follow. */
export const INVALID_PLAN_ERROR = 'EscalationPlanInvalid';

/** Lambda's own transient failures: retried first and longest, as AWS recommends for every Lambda task. */
export const LAMBDA_SERVICE_RETRY: RetryProps = {
  errors: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
  // Lambda throttles all cases that fell due together: jittered, their retries do not come back together.
  maxDelay: Duration.minutes(2),
  jitterStrategy: JitterType.FULL,
};

/**
 * A provider or table that throttled (SNS, SES, DynamoDB, KMS): steps fall due together (09:00 debtor time,
 * 08:00 after a night), and a burst above SNS's or SES's sending rate must wait its turn, not park the case
 * after TASK_RETRY's half minute. Up to ten retries from 30 s, doubling to at most 15 minutes, jittered: about
 * an hour and a half in all. The send itself was released by the Act function (a 4xx is an answer without
 * taking it), so the retry sends once.
 */
export const THROTTLING_RETRY: RetryProps = {
  errors: [
    'ThrottlingException',
    'ThrottledException',
    'Throttling',
    'TooManyRequestsException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
  ],
  interval: Duration.seconds(30),
  maxAttempts: 10,
  backoffRate: 2,
  maxDelay: Duration.minutes(15),
  jitterStrategy: JitterType.FULL,
};

/**
 * Any other failure of a task (a handler error: DynamoDB or KMS throttling, a timeout): three retries, so four
 * attempts, 5 s apart and doubling, jittered so that cases failing together do not retry together.
 */
export const TASK_RETRY: RetryProps = {
  errors: [Errors.ALL],
  interval: Duration.seconds(5),
  maxAttempts: 3,
  backoffRate: 2,
  maxDelay: Duration.minutes(1),
  jitterStrategy: JitterType.FULL,
};

/** A step that reached an Act function which does not carry it fails the same way every time: parked at once. */
export const STEP_NOT_CARRIED_RETRY: RetryProps = { errors: [STEP_NOT_CARRIED], maxAttempts: 0 };

/** RecordFault tries longer (about ten minutes): when it fails for good the execution fails (and alarms). */
export const RECORD_FAULT_RETRY: RetryProps = {
  errors: [Errors.ALL],
  interval: Duration.seconds(10),
  maxAttempts: 6,
  backoffRate: 2,
  maxDelay: Duration.minutes(5),
  jitterStrategy: JitterType.FULL,
};

const ids = {
  caseId: JsonPath.stringAt('$.caseId'),
  cycle: JsonPath.stringAt('$.cycle'),
  run: JsonPath.numberAt('$.run'),
};

export class EscalationStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EscalationStateMachineProps) {
    super(scope, id);
    const S = ESCALATION_STATES;
    // JSONPath throughout: the local interpreter (aws-local-stepfunctions) does not evaluate JSONata.

    // A fault is recorded with the error's name only: its Cause can hold a handler's text. Its result replaces
    // the caught error at $.error, so the execution's output keeps no Cause either.
    const recordFault = LambdaInvoke.jsonPath(this, S.recordFault, {
      lambdaFunction: props.recordFault,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ ...ids, error: JsonPath.stringAt('$.error.Error') }),
      resultPath: '$.error',
      retryOnServiceExceptions: false,
    })
      .addRetry(LAMBDA_SERVICE_RETRY)
      .addRetry(RECORD_FAULT_RETRY)
      // No Catch: a fault that cannot be recorded fails the execution, which the ExecutionsFailed alarm reports.
      .next(new Succeed(this, S.parked, { comment: 'The case needs attention: see its escalation reason' }));
    /** `notRetried`: errors that fail the same way every time, matched before the retrier of all errors. */
    const retriedAndCaught = <T extends LambdaInvoke>(task: T, ...notRetried: RetryProps[]): T => {
      task.addRetry(LAMBDA_SERVICE_RETRY);
      for (const retry of notRetried) task.addRetry(retry);
      task.addRetry(THROTTLING_RETRY);
      task.addRetry(TASK_RETRY);
      task.addCatch(recordFault, { errors: [Errors.ALL], resultPath: '$.error' });
      return task;
    };

    const plan = retriedAndCaught(
      LambdaInvoke.jsonPath(this, S.plan, {
        lambdaFunction: props.planNextStep,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject(ids),
        resultPath: '$.plan',
        retryOnServiceExceptions: false,
      }),
    );
    // One Act state per function, named after it. ActOnWorkItem gets the work item's outcome; the others no task.
    const act = Object.fromEntries(
      ACT_FUNCTIONS.map((name) => {
        const task = retriedAndCaught(
          LambdaInvoke.jsonPath(this, name, {
            lambdaFunction: props.act[name],
            payloadResponseOnly: true,
            payload: TaskInput.fromObject({
              ...ids,
              plan: JsonPath.objectAt('$.plan'),
              ...(name === 'ActOnWorkItem' ? { task: JsonPath.objectAt('$.task') } : {}),
            }),
            resultPath: '$.lastAct',
            retryOnServiceExceptions: false,
          }),
          STEP_NOT_CARRIED_RETRY,
        );
        task.next(plan);
        return [name, task];
      }),
    ) as Record<ActFunction, LambdaInvoke>;

    // The function opens the work item and returns; the task then waits for SendTaskSuccess (the staff API)
    // with the item's outcome, which lands at $.task, or for the plan's timeout.
    const openTask = LambdaInvoke.jsonPath(this, S.openTask, {
      lambdaFunction: props.openTask,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        ...ids,
        plan: JsonPath.objectAt('$.plan'),
        taskToken: JsonPath.taskToken,
      }),
      taskTimeout: Timeout.at('$.plan.taskTimeoutSeconds'),
      resultPath: '$.task',
      retryOnServiceExceptions: false,
    });
    // A timeout is the step's default path, not a fault: never retried (States.ALL would match it), caught first.
    openTask
      .addRetry(LAMBDA_SERVICE_RETRY)
      .addRetry({ errors: [Errors.TIMEOUT], maxAttempts: 0 })
      .addRetry(THROTTLING_RETRY)
      .addRetry(TASK_RETRY);
    const taskTimedOut = Pass.jsonPath(this, S.taskTimedOut, {
      result: Result.fromObject({ outcome: 'timed-out' }),
      resultPath: '$.task',
    });
    openTask.addCatch(taskTimedOut, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    openTask.addCatch(recordFault, { errors: [Errors.ALL], resultPath: '$.error' });
    openTask.next(act.ActOnWorkItem);
    taskTimedOut.next(act.ActOnWorkItem);
    // Every step waits in its function's own Wait, which goes straight to its task: no Choice after the wait.
    const waitFor = (name: ActFunction) =>
      Wait.jsonPath(this, WAIT_STATES[name], { time: WaitTime.timestampPath('$.plan.at') }).next(
        name === 'ActOnWorkItem' ? openTask : act[name],
      );

    // A step the Wait or OpenTask could not follow would fail the execution with States.Runtime, which no
    // Catch sees: such a plan, and an action no Act function carries, are checked here and park the case like
    // any other fault.
    const timed = [Condition.isPresent('$.plan.at'), Condition.isTimestamp('$.plan.at')];
    const withTaskTimeout = [
      Condition.isPresent('$.plan.taskTimeoutSeconds'),
      Condition.isNumeric('$.plan.taskTimeoutSeconds'),
      Condition.numberGreaterThanEquals('$.plan.taskTimeoutSeconds', 1),
    ];
    const followable = (name: ActFunction) =>
      Condition.and(
        anyOf(ACTIONS_CARRIED_BY[name].map((action) => Condition.stringEquals('$.plan.action', action))),
        ...timed,
        ...(name === 'ActOnWorkItem' ? withTaskTimeout : []),
      );
    const invalidPlan = Pass.jsonPath(this, S.invalidPlan, {
      result: Result.fromObject({ Error: INVALID_PLAN_ERROR }),
      resultPath: '$.error',
    }).next(recordFault);
    const route = Choice.jsonPath(this, S.route)
      .when(Condition.isNotPresent('$.plan.action'), invalidPlan)
      .when(Condition.stringEquals('$.plan.action', 'end'), new Succeed(this, S.finished))
      .when(Condition.stringEquals('$.plan.action', 'pause'), new Succeed(this, S.paused));
    for (const name of ACT_FUNCTIONS) route.when(followable(name), waitFor(name));
    route.otherwise(invalidPlan);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(plan.next(route)),
      tracingEnabled: true,
      // Payloads carry ids only, but execution data still stays out of logs by principle.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
  }
}

/** One condition, or any of several. */
function anyOf(conditions: Condition[]): Condition {
  const [only] = conditions;
  return conditions.length === 1 && only ? only : Condition.or(...conditions);
}
