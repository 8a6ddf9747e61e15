/**
 * The bucket holding the LLM app's logs (and, under the report prefix, the reports), plus the
 * server-access-log bucket shared by every bucket this app creates.
 *
 * - `logBucketName` given: the existing bucket is imported (`Bucket.fromBucketName`) and nothing is
 *   provisioned on it: no policy, no placeholders, no notifications.
 * - otherwise a bucket is created: versioned, SSE-S3 (or SSE-KMS with `kmsKey`), public access
 *   blocked, TLS-only, ACLs disabled, access-logged, lifecycle-managed, retained on stack deletion,
 *   with empty `.keep` placeholders under `logs/`, `contexts/`, `responses/` and the report prefix.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LOG_DATA_FOLDERS, type AppConfig } from './config.js';

/** Name of the placeholder object created in each folder of a new log bucket. */
export const PLACEHOLDER_NAME = '.keep';

/**
 * The server-access-log target: SSE-S3 (S3 log delivery cannot write to SSE-KMS targets),
 * TLS-only, public access blocked, ACLs disabled (delivery is authorised by a bucket policy),
 * logs expire after a year.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    // No AwsSolutions-S1 finding to acknowledge: cdk-nag exempts a bucket that receives access logs.
  }
}

export interface LogBucketProps {
  readonly config: AppConfig;
  /** Key for SSE-KMS on a created bucket (or the existing bucket's key, for IAM only). */
  readonly encryptionKey?: kms.IKey;
  /** Where a created bucket writes its server access logs. Required when the bucket is created. */
  readonly accessLogsBucket?: s3.IBucket;
}

export class LogBucket extends Construct {
  readonly bucket: s3.IBucket;
  /** True when this stack created (and owns) the bucket. */
  readonly created: boolean;
  readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const { config } = props;
    this.encryptionKey = props.encryptionKey;

    if (config.logBucketName) {
      this.bucket = s3.Bucket.fromBucketName(this, 'Imported', config.logBucketName);
      this.created = false;
      return;
    }

    if (!props.accessLogsBucket) throw new Error('LogBucket: accessLogsBucket is required when the bucket is created');
    const key = props.encryptionKey;
    const dataPrefixes = LOG_DATA_FOLDERS.map((folder) => `${config.logPrefix}${folder}/`);

    const bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: key,
      bucketKeyEnabled: key ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'log-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Logs are read by the report for the last two weeks, then rarely: let S3 tier them.
        ...dataPrefixes.map((prefix, i) => ({
          id: `intelligent-tiering-${LOG_DATA_FOLDERS[i]}`,
          prefix,
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }],
        })),
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.bucket = bucket;
    this.created = true;

    // Empty placeholder objects so the folders exist from day one. An AwsCustomResource with
    // s3:PutObject on exactly these keys, rather than a BucketDeployment, whose handler would get
    // read/write/delete on the whole log bucket.
    const placeholderKeys = [...dataPrefixes, config.reportPrefix].map((prefix) => `${prefix}${PLACEHOLDER_NAME}`);
    placeholderKeys.forEach((key, i) => {
      const call = {
        service: 'S3',
        action: 'putObject',
        parameters: { Bucket: bucket.bucketName, Key: key, Body: '' },
        physicalResourceId: PhysicalResourceId.of(`${PLACEHOLDER_NAME}:${key}`),
      };
      const statements = [
        new iam.PolicyStatement({ sid: 'PutPlaceholder', actions: ['s3:PutObject'], resources: [bucket.arnForObjects(key)] }),
      ];
      if (props.encryptionKey) {
        statements.push(
          new iam.PolicyStatement({
            sid: 'EncryptPlaceholder',
            actions: ['kms:GenerateDataKey'],
            resources: [props.encryptionKey.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
          }),
        );
      }
      new AwsCustomResource(this, `Placeholder${i}`, {
        onCreate: call,
        onUpdate: call,
        // Nothing on delete: the bucket and its content are retained.
        policy: AwsCustomResourcePolicy.fromStatements(statements),
        installLatestAwsSdk: false,
      });
    });
  }
}
