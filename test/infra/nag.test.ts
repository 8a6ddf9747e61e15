/**
 * cdk-nag (v3, a CDK policy-validation plugin): the app synthesises with AwsSolutionsChecks and no
 * unacknowledged finding, error or warning, in every supported configuration; every
 * acknowledgement has a real reason and matches a real finding (no stale, blanket ones).
 */
import { Validations, type App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { build } from './fixture.js';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['defaults', {}],
  ['kmsKey=true', { kmsKey: 'true' }],
  ['email, alarm email, cron', { sender: 'reports@example.com', recipients: 'cfo@example.com', alarmEmail: 'ops@example.com', scheduleExpression: 'cron(0 7 ? * MON *)', scheduleTimezone: 'Europe/Paris' }],
  ['imported bucket with its KMS key', { logBucketName: 'existing', kmsKey: KEY_ARN }],
  ['imported bucket, no notebook job', { logBucketName: 'existing', notebookJob: 'false' }],
  ['created bucket, no notebook job', { notebookJob: 'false' }],
];

interface Ack {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Ack[] {
  const acks: Ack[] = [];
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acks.push({ path: node.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return acks;
}

interface Finding {
  rule: string;
  paths: string[];
}

/** What AwsSolutionsChecks reports for the tree, optionally ignoring every acknowledgement. */
function findings(app: App, ignoreAcknowledgements: boolean): Finding[] {
  const pack = new AwsSolutionsChecks(undefined, { verbose: true });
  if (ignoreAcknowledgements) (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack.validateScope(app).violations.map((v) => ({ rule: v.ruleName, paths: v.violatingResources.map((r) => r.constructPath ?? '') }));
}

describe.each(VARIANTS)('cdk-nag AwsSolutions, %s', (_name, context) => {
  const { app, stack } = build(context, { nag: true });
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }

  test('the app synthesises with the AwsSolutionsChecks plugin (fails on any unacknowledged finding)', () => {
    expect(synthError).toBeUndefined();
  });

  test('no unacknowledged AwsSolutions error or warning', () => {
    expect(findings(app, false)).toEqual([]);
  });

  test('no CDK error or warning annotation either', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('.*'))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  test('every acknowledgement is a specific AwsSolutions rule with a real reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ ...ack, idOk: /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/.test(ack.id), reasonOk: ack.reason.trim().length >= 10 }).toEqual({ ...ack, idOk: true, reasonOk: true });
      // Acknowledged on the resource (or its construct), never for the whole stack or app.
      expect(ack.path).not.toBe(stack.node.path);
      expect(ack.path).not.toBe('');
    }
  });

  test('every acknowledgement matches a finding at or under the construct it is on (none is stale)', () => {
    const raw = findings(app, true);
    const stale = acknowledgements(app).filter(
      (ack) => !raw.some((f) => f.rule === ack.id && f.paths.some((p) => p === ack.path || p.startsWith(`${ack.path}/`))),
    );
    expect(stale).toEqual([]);
  });

  test('the template records the acknowledgements with their reasons (cdk_nag metadata)', () => {
    const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Metadata?: any }> };
    const recorded = Object.values(template.Resources).flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>);
    expect(recorded.length).toBeGreaterThan(0);
    for (const rule of recorded) expect(rule.reason.trim().length).toBeGreaterThanOrEqual(10);
  });
});

test('an extra wildcard grant is caught: synth fails with the unacknowledged IAM5 finding', () => {
  const { app, stack } = build({}, { nag: true });
  stack.report.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [stack.logBucket.bucket.arnForObjects('*')] }),
  );
  expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::<LogBucket[0-9A-F]+\.Arn>\/\*\]/);
});
