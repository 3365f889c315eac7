/** Synthesizes a stage once per test file (bundling skipped: only templates are read). */

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type OverdueStacks } from '../../lib/app';
import type { Stage, StageConfig } from '../../lib/config';
import { SynthesizedIam } from './synthesized-iam';

export interface Synthesized {
  readonly stacks: OverdueStacks;
  readonly stateful: Template;
  readonly stateless: Template;
  readonly iam: SynthesizedIam;
}

export function synthesize(stage: Stage, config?: StageConfig, tamper?: (stacks: OverdueStacks) => void) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, stage, config);
  tamper?.(stacks);
  const stateful = Template.fromStack(stacks.stateful);
  const stateless = Template.fromStack(stacks.stateless);
  const iam = new SynthesizedIam([
    { stack: stacks.stateful, template: stateful },
    { stack: stacks.stateless, template: stateless },
  ]);
  return { stacks, stateful, stateless, iam } satisfies Synthesized;
}
