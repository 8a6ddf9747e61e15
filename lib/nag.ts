/**
 * cdk-nag v3 acknowledgements, resource by resource.
 *
 * cdk-nag 3 is a CDK policy-validation plugin (`Validations.of(app).addPlugins(...)`); a finding is
 * acknowledged with `Validations.of(construct).acknowledge({ id, reason })` on the resource or an
 * ancestor, and each wildcard finding has its own id, `AwsSolutions-IAM5[Resource::<flattened ARN>]`
 * or `AwsSolutions-IAM5[Action::s3:List*]`. There is no regex or prefix matching, so these helpers
 * render the exact finding id from the same token the policy uses (flattened the way cdk-nag does).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** Acknowledge one rule (or one finding id) on `scope` and everything under it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The finding string cdk-nag's IAM5 rule reports for a policy resource (ARN string or token). */
export function iamResourceFinding(scope: IConstruct, resource: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}`;
}

/** Acknowledge AwsSolutions-IAM5 for exactly these wildcard resources of `scope`'s policies. */
export function acknowledgeWildcardResources(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources) {
    acknowledge(scope, `AwsSolutions-IAM5[${iamResourceFinding(scope, resource)}]`, reason);
  }
}
