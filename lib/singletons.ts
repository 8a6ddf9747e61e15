/**
 * cdk-nag acknowledgements for the Lambda handlers CDK itself creates (one per stack): the
 * BucketDeployment handler (deploys the notebook) and the AwsCustomResource handler (writes the
 * `.keep` placeholders). Their code, runtime and managed-policy use are CDK's, not ours.
 *
 * The BucketDeployment handler's wildcards are acknowledged one by one, and only for the two
 * buckets it is meant to touch: the CDK asset bucket (read the notebook zip) and the artifacts
 * bucket (write the notebook). A grant on any other bucket (e.g. the log bucket) stays a finding.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import { acknowledge, iamResourceFinding } from './nag.js';

const BUCKET_DEPLOYMENT_PREFIX = 'Custom::CDKBucketDeployment';
/** Construct id of the AwsCustomResource singleton Lambda (fixed in aws-cdk-lib). */
const AWS_CUSTOM_RESOURCE_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
/** The bootstrap file-asset bucket, flattened the way cdk-nag reports it (any qualifier). */
const CDK_ASSET_BUCKET_OBJECTS = /^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>\/\*$/;
const BASIC_EXECUTION_ROLE = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

export interface SingletonOptions {
  /** Buckets BucketDeployments in this stack deploy into. */
  readonly deploymentDestinations: readonly s3.IBucket[];
}

export function acknowledgeCdkSingletons(stack: Stack, options: SingletonOptions): void {
  for (const child of stack.node.children) {
    if (child.node.id.startsWith(BUCKET_DEPLOYMENT_PREFIX)) acknowledgeBucketDeployment(child, options);
    if (child.node.id === AWS_CUSTOM_RESOURCE_ID) acknowledgeAwsCustomResource(child);
  }
}

/** Action wildcards CDK's BucketDeployment grants its handler (S3 always, KMS with an SSE-KMS destination). */
const BUCKET_DEPLOYMENT_ACTIONS: Readonly<Record<string, string>> = {
  's3:GetObject*': 'read the notebook asset and the deployed objects',
  's3:GetBucket*': 'read bucket settings during the sync',
  's3:List*': 'list the destination prefix for the sync',
  's3:DeleteObject*': 'prune notebooks removed from the repo (notebook-jobs/input/ only, by its sync)',
  's3:Abort*': 'abort its own failed multipart uploads',
  'kms:GenerateDataKey*': 'write SSE-KMS objects to the artifacts bucket',
  'kms:ReEncrypt*': 'write SSE-KMS objects to the artifacts bucket',
};

function acknowledgeBucketDeployment(handler: IConstruct, options: SingletonOptions): void {
  acknowledge(handler, BASIC_EXECUTION_ROLE, 'CDK-managed BucketDeployment handler: CDK attaches AWSLambdaBasicExecutionRole (CloudWatch Logs writing only) to its role.');
  acknowledge(handler, 'AwsSolutions-L1', 'CDK-managed BucketDeployment handler: its Python runtime is chosen by aws-cdk-lib and moves with CDK upgrades.');

  const destinations = new Set(options.deploymentDestinations.map((b) => iamResourceFinding(handler, b.arnForObjects('*'))));
  for (const finding of wildcardFindings(handler)) {
    const action = finding.startsWith('Action::') ? finding.slice('Action::'.length) : undefined;
    if (action !== undefined && BUCKET_DEPLOYMENT_ACTIONS[action]) {
      acknowledge(handler, `AwsSolutions-IAM5[${finding}]`, `CDK-managed BucketDeployment handler: CDK grants ${action} to ${BUCKET_DEPLOYMENT_ACTIONS[action]}.`);
    } else if (CDK_ASSET_BUCKET_OBJECTS.test(finding)) {
      acknowledge(handler, `AwsSolutions-IAM5[${finding}]`, 'CDK-managed BucketDeployment handler: reads the notebook zip from the CDK bootstrap asset bucket; asset keys are content hashes.');
    } else if (destinations.has(finding)) {
      acknowledge(handler, `AwsSolutions-IAM5[${finding}]`, 'CDK-managed BucketDeployment handler: writes to the dedicated artifacts bucket (notebook only, never the log bucket); CDK grants on the whole bucket.');
    }
    // Anything else (e.g. a grant on the log bucket) stays a finding and fails the synth.
  }
}

function acknowledgeAwsCustomResource(handler: IConstruct): void {
  acknowledge(handler, BASIC_EXECUTION_ROLE, 'CDK-managed AwsCustomResource handler: CDK attaches AWSLambdaBasicExecutionRole (CloudWatch Logs writing only) to its role.');
}

/** IAM5 findings (`Action::...` / `Resource::...` containing `*`) of the Allow statements of the policies under `scope`. */
function wildcardFindings(scope: IConstruct): string[] {
  const stack = Stack.of(scope);
  const findings = new Set<string>();
  for (const node of scope.node.findAll()) {
    if (!(node instanceof CfnPolicy) || !CfnResource.isCfnResource(node)) continue;
    const doc = stack.resolve(node.policyDocument) as { Statement?: Array<{ Effect?: string; Action?: unknown; Resource?: unknown }> };
    for (const statement of doc.Statement ?? []) {
      if (statement.Effect !== 'Allow') continue;
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      for (const action of actions) {
        if (typeof action === 'string' && action.includes('*')) findings.add(`Action::${action}`);
      }
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resources) {
        const flat = flattenCfnReference(resource);
        if (flat.includes('*')) findings.add(`Resource::${flat}`);
      }
    }
  }
  return [...findings];
}
