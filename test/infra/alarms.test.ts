import { Match } from 'aws-cdk-lib/assertions';
import { build, logicalId, readable } from './fixture.js';

describe('alarms (default context)', () => {
  const { stack, template } = build();
  const topicId = logicalId(stack.alarms.topic);
  const keyId = logicalId(stack.alarms.key);

  test('the topic is KMS-encrypted with a rotating key CloudWatch may use', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const key = template.toJSON().Resources[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(readable(key.Properties.KeyPolicy.Statement)).toContainEqual({
      Sid: 'AllowCloudWatchAlarmsToUseTheKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' } },
    });
  });

  test('the topic is TLS-only and accepts exactly the stack\'s three alarms', () => {
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0]!;
    expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
    const statements = readable(policy.Properties.PolicyDocument.Statement) as any[];
    const alarmArns = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => `\${${id}.Arn}`);
    expect(alarmArns).toHaveLength(3);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements).toContainEqual({
      Sid: 'AllowTheseCloudWatchAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: `\${${topicId}}`,
      Condition: {
        StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' },
        ArnEquals: { 'aws:SourceArn': alarmArns },
      },
    });
  });

  test.each([
    ['report errors', 'AWS/Lambda', 'Errors', () => ({ Name: 'FunctionName', Value: { Ref: logicalId(stack.report.function) } }), 'Sum'],
    ['notebook starter errors', 'AWS/Lambda', 'Errors', () => ({ Name: 'FunctionName', Value: { Ref: logicalId(stack.notebookJob!.starter) } }), 'Sum'],
    ['DLQ messages', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', () => ({ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.schedule.deadLetterQueue), 'QueueName'] } }), 'Maximum'],
  ])('alarm on %s >= 1 notifies the topic', (_name, namespace, metric, dimension, statistic) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [dimension()],
      Statistic: statistic,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  test('three alarms, no email subscription by default', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('alarms with alarmEmail and without the notebook job', () => {
  const { template } = build({ alarmEmail: 'ops@example.com', notebookJob: 'false' });

  test('subscribes the email and drops the starter alarm', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: Match.anyValue() });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });
});
