// The CDK app: `npx cdk synth|deploy -c stage=dev|prod`. cdk-nag AwsSolutions checks every synthesis.
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { stageFromContext } from '../lib/config';
import { applyNagChecks } from '../lib/nag';

const app = new App();
const stacks = buildApp(app, stageFromContext(app));
applyNagChecks(app, stacks);
app.synth();
