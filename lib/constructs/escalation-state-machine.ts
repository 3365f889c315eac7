// The escalation state machine: plan the next ladder step → wait until its lawful moment → (open a work item and
// wait for a person) → act → repeat; a task that keeps failing parks the case instead of failing the execution.
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

export interface EscalationStateMachineProps {
  readonly planNextStep: IFunction;
  readonly act: IFunction;
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
 * workflow tests override the tasks by name and replace `WaitForNextStep`.
 */
export const ESCALATION_STATES = {
  plan: 'PlanNextStep',
  route: 'Route',
  wait: 'WaitForNextStep',
  waitForWorkItem: 'WaitForWorkItem',
  openTask: 'OpenTask',
  taskTimedOut: 'TaskTimedOut',
  act: 'Act',
  actOnWorkItem: 'ActOnWorkItem',
  finished: 'Finished',
  paused: 'Paused',
  invalidPlan: 'InvalidPlan',
  recordFault: 'RecordFault',
  parked: 'Parked',
} as const;

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
    const retriedAndCaught = <T extends LambdaInvoke>(task: T): T => {
      task.addRetry(LAMBDA_SERVICE_RETRY).addRetry(TASK_RETRY);
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
    // Two Act states, one function: a contact step's Act gets no `task` (the handler reads none), a work item's
    // gets the item's outcome. Each step then costs four transitions (plan, route, wait, act), not six.
    const actOn = (name: string, withTask: boolean) =>
      retriedAndCaught(
        LambdaInvoke.jsonPath(this, name, {
          lambdaFunction: props.act,
          payloadResponseOnly: true,
          payload: TaskInput.fromObject({
            ...ids,
            plan: JsonPath.objectAt('$.plan'),
            ...(withTask ? { task: JsonPath.objectAt('$.task') } : {}),
          }),
          resultPath: '$.lastAct',
          retryOnServiceExceptions: false,
        }),
      );
    const act = actOn(S.act, false);
    const actOnWorkItem = actOn(S.actOnWorkItem, true);

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
      .addRetry(TASK_RETRY);
    const taskTimedOut = Pass.jsonPath(this, S.taskTimedOut, {
      result: Result.fromObject({ outcome: 'timed-out' }),
      resultPath: '$.task',
    });
    openTask.addCatch(taskTimedOut, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    openTask.addCatch(recordFault, { errors: [Errors.ALL], resultPath: '$.error' });
    const isWorkItem = Condition.or(
      Condition.stringEquals('$.plan.action', 'call-task'),
      Condition.stringEquals('$.plan.action', 'review'),
    );
    const wait = Wait.jsonPath(this, S.wait, { time: WaitTime.timestampPath('$.plan.at') }).next(act);
    const waitForWorkItem = Wait.jsonPath(this, S.waitForWorkItem, {
      time: WaitTime.timestampPath('$.plan.at'),
    }).next(openTask);
    openTask.next(actOnWorkItem);
    taskTimedOut.next(actOnWorkItem);
    act.next(plan);
    actOnWorkItem.next(plan);

    // A step the Wait or OpenTask could not follow would fail the execution with States.Runtime, which no
    // Catch sees: such a plan is checked here and parks the case like any other fault.
    const timed = [Condition.isPresent('$.plan.at'), Condition.isTimestamp('$.plan.at')];
    const followableWorkItem = Condition.and(
      isWorkItem,
      ...timed,
      Condition.isPresent('$.plan.taskTimeoutSeconds'),
      Condition.isNumeric('$.plan.taskTimeoutSeconds'),
      Condition.numberGreaterThanEquals('$.plan.taskTimeoutSeconds', 1),
    );
    const followableContact = Condition.and(Condition.not(isWorkItem), ...timed);
    const invalidPlan = Pass.jsonPath(this, S.invalidPlan, {
      result: Result.fromObject({ Error: INVALID_PLAN_ERROR }),
      resultPath: '$.error',
    }).next(recordFault);
    const route = Choice.jsonPath(this, S.route)
      .when(Condition.isNotPresent('$.plan.action'), invalidPlan)
      .when(Condition.stringEquals('$.plan.action', 'end'), new Succeed(this, S.finished))
      .when(Condition.stringEquals('$.plan.action', 'pause'), new Succeed(this, S.paused))
      .when(followableWorkItem, waitForWorkItem)
      .when(followableContact, wait)
      .otherwise(invalidPlan);

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
