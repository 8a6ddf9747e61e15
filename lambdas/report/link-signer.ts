/**
 * The credentials that sign the email's link to report.html.
 *
 * With env LINK_SIGNER_SECRET_ARN (the stack's default, `reportLinkSigner: user`), the link is
 * signed with the long-term access key of a dedicated IAM user, read from that Secrets Manager
 * secret (`{"accessKeyId": "...", "secretAccessKey": "..."}`): such a link lasts the 7 days
 * SigV4 allows. Without it (`reportLinkSigner: role`), the function's own role credentials sign,
 * and the link ends with the role's session (the email says so).
 *
 * The key is read once per container and cached; the cache is keyed by the secret ARN and
 * LINK_SIGNER_KEY_SERIAL, and a failed read is not cached.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export class LinkSignerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LinkSignerError';
  }
}

/** Parse the secret's JSON; throws LinkSignerError naming what is wrong (never the secret itself). */
export function parseSignerSecret(secretString: string | undefined, secretArn: string): StaticCredentials {
  let parsed: unknown;
  try {
    parsed = secretString === undefined ? undefined : JSON.parse(secretString);
  } catch {
    parsed = undefined;
  }
  const o = parsed as Partial<Record<string, unknown>> | undefined;
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.accessKeyId !== 'string' ||
    typeof o.secretAccessKey !== 'string' ||
    o.accessKeyId.trim() === '' ||
    o.secretAccessKey.trim() === ''
  ) {
    throw new LinkSignerError(`the link signer secret ${secretArn} is not JSON {"accessKeyId": "...", "secretAccessKey": "..."}`);
  }
  return { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey };
}

/** A per-container cache of the signer key (one entry: the current secret ARN + key serial). */
export class SignerKeyCache {
  private entry: { id: string; value: Promise<StaticCredentials> } | undefined;

  /** The signer key from the secret, read once per (secretArn, keySerial). */
  get(client: SecretsManagerClient, secretArn: string, keySerial = ''): Promise<StaticCredentials> {
    const id = `${secretArn}\n${keySerial}`;
    if (this.entry?.id !== id) {
      const value = readSignerKey(client, secretArn);
      this.entry = { id, value };
      // A failure is not cached: the next invocation tries again.
      value.catch(() => {
        if (this.entry?.value === value) this.entry = undefined;
      });
    }
    return this.entry.value;
  }
}

async function readSignerKey(client: SecretsManagerClient, secretArn: string): Promise<StaticCredentials> {
  let secretString: string | undefined;
  try {
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = res.SecretString;
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const denied = err.name === 'AccessDeniedException' || err.$metadata?.httpStatusCode === 403;
    throw new LinkSignerError(
      `reading the link signer key: secretsmanager:GetSecretValue ${secretArn} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}${denied ? ' (the role needs secretsmanager:GetSecretValue on this secret)' : ''}`,
      { cause: e },
    );
  }
  return parseSignerSecret(secretString, secretArn);
}
