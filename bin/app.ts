#!/usr/bin/env node
/**
 * CDK app entry (`cdk.json`: `npx tsx bin/app.ts`). Context keys are documented in lib/config.ts.
 *
 * cdk-nag 3 is a CDK policy-validation plugin (not an Aspect any more): any unacknowledged
 * AwsSolutions finding, error or warning, fails `cdk synth`. Acknowledgements live next to the
 * resources they concern (`Validations.of(resource).acknowledge(...)`, see lib/nag.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from '../lib/config.js';
import { LlmLogAnalyticsStack, STACK_ID } from '../lib/llm-log-analytics-stack.js';

const app = new App();

let config;
try {
  config = loadConfig(app);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

new LlmLogAnalyticsStack(app, STACK_ID, { config });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));

app.synth();
