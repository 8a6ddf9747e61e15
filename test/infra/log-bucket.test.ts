import { Match } from 'aws-cdk-lib/assertions';
import { build, logicalId, readable, resourceByPrefix, roleStatements } from './fixture.js';

const PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';

describe('created log bucket (default context)', () => {
  const { stack, template } = build();
  const bucketId = logicalId(stack.logBucket.bucket);
  const bucket = template.toJSON().Resources[bucketId];

  test('blocks all public access', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  test('is versioned, ACL-free, S3-managed encrypted and retained', () => {
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
  });

  test('denies every request that is not over TLS (and below TLS 1.2)', () => {
    const policy = template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } });
    const statements = readable(Object.values(policy)[0]!.Properties.PolicyDocument.Statement) as any[];
    const arns = [`\${${bucketId}.Arn}`, `\${${bucketId}.Arn}/*`];
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: arns,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: arns,
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        },
      ]),
    );
    // Nothing but the two denies: no Allow on the log bucket from its own policy.
    expect(statements.filter((s) => s.Effect !== 'Deny')).toEqual([]);
  });

  test('lifecycle: Intelligent-Tiering after 30 days on the log folders, noncurrent versions 90 days, multipart 7 days', () => {
    const rules = bucket.Properties.LifecycleConfiguration.Rules as any[];
    expect(rules).toContainEqual({
      Id: 'intelligent-tiering-logs',
      Prefix: `${PREFIX}logs/`,
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }],
    });
    for (const folder of ['contexts', 'responses']) {
      expect(rules).toContainEqual(expect.objectContaining({ Prefix: `${PREFIX}${folder}/`, Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 30 }] }));
    }
    expect(rules).toContainEqual({
      Id: 'expire-noncurrent-versions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      ExpiredObjectDeleteMarker: true,
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect(rules).toHaveLength(4);
  });

  test('writes server access logs to a separate, locked-down access-log bucket', () => {
    const logsBucket = resourceByPrefix(template, 'AWS::S3::Bucket', 'AccessLogsBucket');
    expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsBucket.id }, LogFilePrefix: 'log-bucket/' });
    const p = logsBucket.resource.Properties;
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(p.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 365, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]);
    expect(logsBucket.resource.DeletionPolicy).toBe('Retain');
    // TLS-only, and S3 log delivery allowed by bucket policy (no ACLs).
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsBucket.id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  test('creates empty .keep placeholders in logs/, contexts/, responses/ and the report prefix, each with PutObject on exactly its key', () => {
    const placeholders = template.findResources('Custom::AWS');
    const keys = Object.values(placeholders).map((r) => JSON.parse(String(readable(r.Properties.Create))).parameters.Key);
    expect(keys.sort()).toEqual([`${PREFIX}contexts/.keep`, `${PREFIX}logs/.keep`, `${PREFIX}responses/.keep`, 'reports/.keep']);
    for (const r of Object.values(placeholders)) {
      const create = JSON.parse(String(readable(r.Properties.Create)));
      expect(create).toMatchObject({ service: 'S3', action: 'putObject', parameters: { Bucket: `\${${bucketId}}`, Body: '' } });
      expect(r.Properties.Delete).toBeUndefined();
    }
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('.keep'));
    const statements = policies.map((p) => readable(p.Properties.PolicyDocument.Statement));
    const expected = [...['logs', 'contexts', 'responses'].map((f) => `${PREFIX}${f}/.keep`), 'reports/.keep'].map((key) => [
      { Sid: 'PutPlaceholder', Effect: 'Allow', Action: 's3:PutObject', Resource: `\${${bucketId}.Arn}/${key}` },
    ]);
    expect(statements).toHaveLength(expected.length);
    expect(statements).toEqual(expect.arrayContaining(expected));
  });
});

describe('created log bucket with kmsKey=true', () => {
  const { stack, template } = build({ kmsKey: 'true' });
  const bucketId = logicalId(stack.logBucket.bucket);

  test('uses SSE-KMS with a rotating customer-managed key and an S3 bucket key', () => {
    const keyId = logicalId(stack.encryptionKey!);
    expect(template.toJSON().Resources[bucketId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('log and artifacts buckets') });
  });

  test('the placeholder writer may use the key only through S3', () => {
    const keyId = logicalId(stack.encryptionKey!);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('.keep'));
    expect(policies).toHaveLength(4);
    for (const p of policies) {
      expect(readable(p.Properties.PolicyDocument.Statement)).toContainEqual({
        Sid: 'EncryptPlaceholder',
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: `\${${keyId}.Arn}`,
        Condition: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com' } },
      });
    }
  });
});

describe('imported log bucket (-c logBucketName=existing)', () => {
  const { stack, template } = build({ logBucketName: 'existing' });

  test('provisions nothing on the existing bucket', () => {
    expect(stack.logBucket.created).toBe(false);
    // The only buckets are the notebook artifacts bucket and its access-log bucket.
    const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
    expect(buckets.sort()).toEqual([expect.stringMatching(/^AccessLogsBucket/), expect.stringMatching(/^NotebookJobArtifactsBucket/)]);
    template.resourceCountIs('Custom::AWS', 0);
    // No bucket policy, notification or custom resource refers to the existing bucket.
    for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, any>)) {
      if (['AWS::IAM::Policy', 'AWS::Lambda::Function'].includes(r.Type)) continue;
      expect({ id, refersToExisting: JSON.stringify(r).includes(':::existing') || JSON.stringify(r).includes('"existing"') }).toEqual({ id, refersToExisting: false });
    }
  });

  test('with notebookJob=false it creates no bucket at all', () => {
    const t = build({ logBucketName: 'existing', notebookJob: 'false' }).template;
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::S3::BucketPolicy', 0);
    t.resourceCountIs('Custom::AWS', 0);
  });

  test('scopes the report role to the existing bucket and prefixes', () => {
    const statements = roleStatements(template, stack.report.role);
    expect(statements.find((s) => s.Sid === 'ReadLogData')!.Resource).toContain('arn:aws:s3:::existing/DATA_MERGE_ASSETS/LOGS/FINRAG/logs/*');
    expect(statements.find((s) => s.Sid === 'WriteReports')!.Resource).toBe('arn:aws:s3:::existing/reports/????-??-??_????-??-??*/*');
    expect(statements.find((s) => s.Sid === 'ListLogData')!.Resource).toBe('arn:aws:s3:::existing');
  });

  test('the report function reads the existing bucket', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LOG_BUCKET: 'existing', LOG_PREFIX: PREFIX }) },
    });
  });
});
