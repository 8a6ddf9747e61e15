import { Capture, Match } from 'aws-cdk-lib/assertions';
import { build, logicalId, readable, roleStatements } from './fixture.js';

describe('schedules (default context)', () => {
  const { stack, template } = build();
  const dlqId = logicalId(stack.schedule.deadLetterQueue);
  const reportFnId = logicalId(stack.report.function);
  const starterId = logicalId(stack.notebookJob!.starter);

  test('report and notebook schedules: rate(14 days) in UTC, flexible 15 min, 3 retries within 1 h, DLQ', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    for (const fnId of [reportFnId, starterId]) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(14 days)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
        StartDate: Match.absent(),
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [logicalId(stack.schedule.role), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      });
    }
  });

  test('the target input is JSON carrying the scheduled time (and nothing else)', () => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: { 'Fn::GetAtt': [reportFnId, 'Arn'] }, Input: input } });
    expect(JSON.parse(input.asString())).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });

  test('the DLQ is SSE-encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });

  test('scheduler role: assumed by this account\'s default schedule group, invokes the two functions, writes the DLQ', () => {
    const role = template.toJSON().Resources[logicalId(stack.schedule.role)];
    expect(readable(role.Properties.AssumeRolePolicyDocument.Statement)).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': '${AWS::AccountId}',
            'aws:SourceArn': 'arn:aws:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/default',
          },
        },
      },
    ]);
    expect(roleStatements(template, stack.schedule.role)).toEqual([
      { Sid: 'InvokeTargets', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [`\${${starterId}.Arn}`, `\${${reportFnId}.Arn}`] },
      { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `\${${dlqId}.Arn}` },
    ]);
  });
});

describe('cron schedule with a time zone and a start date', () => {
  const { template } = build({
    scheduleExpression: 'cron(0 7 ? * MON *)',
    scheduleTimezone: 'Europe/Paris',
    scheduleStart: '2030-01-07T07:00:00Z',
  });

  test('uses the expression, time zone and start date from context', () => {
    template.allResourcesProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartDate: '2030-01-07T07:00:00.000Z',
    });
  });
});

describe('notebook job disabled', () => {
  const { stack, template } = build({ notebookJob: 'false' });

  test('one schedule; the scheduler role invokes only the report function', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(roleStatements(template, stack.schedule.role)[0]).toEqual({
      Sid: 'InvokeTargets',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: `\${${logicalId(stack.report.function)}.Arn}`,
    });
  });
});
