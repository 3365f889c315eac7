// The escalation state machine: plan the next ladder step → wait until its lawful moment → act → repeat.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  JsonPath,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface EscalationStateMachineProps {
  readonly planNextStep: IFunction;
  readonly act: IFunction;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Fixed, so that execution ARNs (and the grants on them) can be named: `overdue-<stage>-escalation`. */
  readonly stateMachineName: string;
}

/** State names are a contract: the offline runtime and the workflow tests override `PlanNextStep` and `Act`. */
export const ESCALATION_STATES = {
  plan: 'PlanNextStep',
  isFinished: 'IsFinished',
  wait: 'WaitForNextStep',
  act: 'Act',
  finished: 'Finished',
} as const;

const lambdaRetry = {
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

export class EscalationStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EscalationStateMachineProps) {
    super(scope, id);
    // JSONPath throughout: the local interpreter (aws-local-stepfunctions) does not evaluate JSONata.
    const plan = LambdaInvoke.jsonPath(this, ESCALATION_STATES.plan, {
      lambdaFunction: props.planNextStep,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        caseId: JsonPath.stringAt('$.caseId'),
        cycle: JsonPath.stringAt('$.cycle'),
      }),
      resultPath: '$.plan',
      retryOnServiceExceptions: false,
    }).addRetry(lambdaRetry);
    const act = LambdaInvoke.jsonPath(this, ESCALATION_STATES.act, {
      lambdaFunction: props.act,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        caseId: JsonPath.stringAt('$.caseId'),
        cycle: JsonPath.stringAt('$.cycle'),
        plan: JsonPath.objectAt('$.plan'),
      }),
      resultPath: '$.lastAct',
      retryOnServiceExceptions: false,
    }).addRetry(lambdaRetry);
    const wait = Wait.jsonPath(this, ESCALATION_STATES.wait, { time: WaitTime.timestampPath('$.plan.at') });
    const finished = new Succeed(this, ESCALATION_STATES.finished);
    const isFinished = Choice.jsonPath(this, ESCALATION_STATES.isFinished)
      .when(Condition.stringEquals('$.plan.action', 'end'), finished)
      .otherwise(wait);
    wait.next(act);
    act.next(plan);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(plan.next(isFinished)),
      tracingEnabled: true,
      // Payloads carry ids only, but execution data still stays out of logs by principle.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
  }
}
