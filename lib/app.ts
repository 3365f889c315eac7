// Builds the Overdue stacks of one stage into an app: used by the CDK entry point, the tests and the offline runtime.
import { type App, Tags } from 'aws-cdk-lib';
import { assertValidStageConfig, type Stage, type StageConfig, stageConfigs } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface OverdueStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** `config` replaces the stage's own settings (tests use it); either way they are checked before any resource. */
export function buildApp(app: App, stage: Stage, config: StageConfig = stageConfigs[stage]): OverdueStacks {
  assertValidStageConfig(config);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, `Overdue-${stage}-Stateful`, { config, env });
  const stateless = new StatelessStack(app, `Overdue-${stage}-Stateless`, {
    config,
    env,
    dataKey: stateful.dataKey,
    piiKey: stateful.piiKey,
    indexKey: stateful.indexKey,
  });
  Tags.of(app).add('application', 'overdue');
  Tags.of(app).add('stage', stage);
  return { stateful, stateless };
}
