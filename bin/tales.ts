import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TalesStack } from '../lib/tales-stack';

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
// Environment-agnostic without credentials, so `cdk synth` works offline.
new TalesStack(app, 'Tales', account && region ? { env: { account, region } } : {});
// cdk-nag's AwsSolutions pack: an unacknowledged finding fails `cdk synth` and `cdk deploy`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
