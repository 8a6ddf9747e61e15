/**
 * The signer of the email's link to report.html (context `reportLinkSigner: user`, the default).
 *
 * A pre-signed S3 URL stops working when the credentials that signed it expire. The report
 * Lambda's role credentials are a session of a few hours, so a link it signs dies long before the
 * 7 days SigV4 allows. A link signed with a long-term access key lasts the full 7 days, so:
 *
 * - an IAM user with ONE permission, s3:GetObject on the report pages
 *   (`<reportPrefix>????-??-??_????-??-??*` + `/report.html`), plus kms:Decrypt through S3 when the
 *   bucket is SSE-KMS (S3 needs it to serve an encrypted object to the link);
 * - its access key (`iam.AccessKey`, serial from `reportLinkSignerKeySerial`), stored as
 *   `{"accessKeyId": ..., "secretAccessKey": ...}` in a Secrets Manager secret (encrypted at rest
 *   with the account's `aws/secretsmanager` key; the secret access key never appears in the
 *   template: CloudFormation passes it from the AccessKey to the secret);
 * - the report role gets secretsmanager:GetSecretValue on that one secret (see report-function.ts).
 *
 * Rotation: raise `reportLinkSignerKeySerial` and deploy. CloudFormation creates the new key,
 * updates the secret, then deletes the old key; links signed with the old key stop working then.
 * The serial is also in the function's environment, so warm Lambda containers drop the old key.
 */
import { SecretValue, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';

/**
 * Report folders as the report store names them (lambdas/engine/deliver/s3.ts):
 * `<from>_<to>/` or `<from>_<to>_<Zone>/`, days `YYYY-MM-DD`. Never matches `notebook-jobs/` or `latest.json`.
 */
export const REPORT_FOLDER_PATTERN = '????-??-??_????-??-??*';

export interface ReportLinkSignerProps {
  readonly logBucket: s3.IBucket;
  readonly reportPrefix: string;
  readonly keySerial: number;
  /** The log bucket's KMS key, when SSE-KMS is on. */
  readonly encryptionKey?: kms.IKey;
}

export class ReportLinkSigner extends Construct {
  readonly user: iam.User;
  readonly accessKey: iam.AccessKey;
  readonly secret: secretsmanager.Secret;
  readonly keySerial: number;

  constructor(scope: Construct, id: string, props: ReportLinkSignerProps) {
    super(scope, id);
    const { logBucket, reportPrefix, keySerial, encryptionKey } = props;
    this.keySerial = keySerial;

    this.user = new iam.User(this, 'User');
    const reportPages = logBucket.arnForObjects(`${reportPrefix}${REPORT_FOLDER_PATTERN}/report.html`);
    this.user.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReadReportPages', actions: ['s3:GetObject'], resources: [reportPages] }),
    );
    if (encryptionKey) {
      this.user.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptReportPages',
          actions: ['kms:Decrypt'],
          resources: [encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    acknowledgeWildcardResources(
      this.user,
      [reportPages],
      'Read-only, report.html of the dated report folders only (<from>_<to>[_<zone>]/report.html): the pre-signed link in the email points at a page whose window is known only at run time.',
    );

    this.accessKey = new iam.AccessKey(this, 'AccessKey', { user: this.user, serial: keySerial });
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'llm-log-analytics: access key of the IAM user that signs the 7-day report links (read by the report Lambda only)',
      secretObjectValue: {
        accessKeyId: SecretValue.unsafePlainText(this.accessKey.accessKeyId),
        secretAccessKey: this.accessKey.secretAccessKey,
      },
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Holds an IAM access key that CloudFormation creates; Secrets Manager rotation would need a custom rotation Lambda with iam:CreateAccessKey. Rotation is a redeploy instead: raise the reportLinkSignerKeySerial context value and deploy (new key, secret updated, old key deleted).',
    );
  }
}
