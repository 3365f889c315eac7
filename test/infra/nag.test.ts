/** The cdk-nag gate: every AwsSolutions finding is fixed or acknowledged by name, in every stage. */

import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { STAGES } from '../../lib/config';
import { applyNagChecks } from '../../lib/nag';

describe('cdk-nag AwsSolutions', () => {
  for (const stage of STAGES) {
    it(`finds nothing unacknowledged in the ${stage} stage`, () => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const stacks = buildApp(app, stage);
      applyNagChecks(app, stacks);
      // Template.fromStack runs the validation plugins and throws when any finding is left.
      expect(() => Template.fromStack(stacks.stateful)).not.toThrow();
      expect(() => Template.fromStack(stacks.stateless)).not.toThrow();
    });
  }

  it('fails the synthesis when the acknowledgements are missing', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildApp(app, 'dev');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => Template.fromStack(stacks.stateless)).toThrow(/AwsSolutions-(IAM5|L1|APIG3)/);
  });
});
