/**
 * Shared helpers for the infrastructure tests: build the app the way `bin/app.ts` does, with the
 * context of `cdk.json` (feature flags + documented defaults) plus per-test overrides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { loadConfig } from '../../lib/config.js';
import { LlmLogAnalyticsStack, STACK_ID } from '../../lib/llm-log-analytics-stack.js';

export interface CdkJson {
  app: string;
  context: Record<string, unknown>;
}

export function readCdkJson(): CdkJson {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as CdkJson;
}

export interface BuildOptions {
  /** Bundle the Lambda code for real (slow); default: CDK skips bundling. */
  bundle?: boolean;
  /** Register cdk-nag's AwsSolutionsChecks like bin/app.ts does. */
  nag?: boolean;
}

export interface Built {
  app: App;
  stack: LlmLogAnalyticsStack;
  template: Template;
}

/** Build the app with cdk.json's context plus `context` overrides (values as `-c` would give). */
export function build(context: Record<string, unknown> = {}, options: BuildOptions = {}): Built {
  const app = new App({
    context: {
      ...readCdkJson().context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  const stack = new LlmLogAnalyticsStack(app, STACK_ID, { config: loadConfig(app) });
  if (options.nag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  }
  let template: Template | undefined;
  return {
    app,
    stack,
    // Synthesised on first use (a nag test synthesises the whole app itself).
    get template(): Template {
      template ??= Template.fromStack(stack);
      return template;
    },
  };
}

export function logicalId(element: IConstruct): string {
  const cfn = (element.node.defaultChild ?? element) as CfnElement;
  return Stack.of(element).resolve(cfn.logicalId) as string;
}

/**
 * Turn CloudFormation intrinsics into readable strings: `{Ref: 'AWS::Partition'}` -> `aws`,
 * `{Ref: X}` -> `${X}`, `{'Fn::GetAtt': [X, 'Arn']}` -> `${X.Arn}`, `Fn::Join` -> the joined string,
 * `Fn::FindInMap` -> `${Map[key][attr]}`. Recurses into arrays and objects.
 */
export function readable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readable);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys;
    const v = o[k!];
    if (k === 'Ref') return v === 'AWS::Partition' ? 'aws' : `\${${String(v)}}`;
    if (k === 'Fn::GetAtt') return `\${${(v as string[]).join('.')}}`;
    if (k === 'Fn::Join') {
      const [sep, parts] = v as [string, unknown[]];
      return parts.map((p) => String(readable(p))).join(sep);
    }
    if (k === 'Fn::Sub' && typeof v === 'string') return v;
    if (k === 'Fn::FindInMap') {
      const [map, key, attr] = (v as unknown[]).map((x) => String(readable(x)));
      return `\${${map}[${key}][${attr}]}`;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, readable(o[k])]));
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
}

/** All statements of the AWS::IAM::Policy resources attached to `role`, readable. */
export function roleStatements(template: Template, role: IConstruct): Statement[] {
  const roleId = logicalId(role);
  const policies = template.findResources('AWS::IAM::Policy');
  const statements: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = ((policy.Properties.Roles ?? []) as unknown[]).map((r) => readable(r));
    if (!roles.includes(`\${${roleId}}`)) continue;
    statements.push(...(readable(policy.Properties.PolicyDocument.Statement) as Statement[]));
  }
  // Inline and managed policies on the role itself must not exist either.
  const roleResource = template.toJSON().Resources[roleId];
  if (roleResource.Properties.Policies || roleResource.Properties.ManagedPolicyArns) {
    throw new Error(`role ${roleId} has inline or managed policies besides its default policy`);
  }
  return statements;
}

/** One resource of `type` whose logical id starts with `prefix`. */
export function resourceByPrefix(template: Template, type: string, prefix: string): { id: string; resource: Record<string, any> } {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`expected one ${type} with id ${prefix}*, found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  const [id, resource] = matches[0]!;
  return { id, resource };
}
