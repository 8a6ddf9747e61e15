/**
 * Short display names for Bedrock model ids:
 * `us.anthropic.claude-haiku-4-5-20251001-v1:0` → `claude-haiku-4-5`,
 * `us.meta.llama3-3-70b-instruct-v1:0` → `llama3-3-70b-instruct`, `amazon.nova-pro-v1:0` → `nova-pro`.
 * Ids that do not look like Bedrock ids are returned unchanged.
 */

/** Cross-region inference profile prefixes Bedrock puts before the provider. */
const REGION_PREFIX = /^(?:us|eu|apac|global|us-gov|jp|au|ca|in)\./;
/** Bedrock model providers. */
const PROVIDER_PREFIX = /^(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|stability|twelvelabs|moonshot|google|minimax|nvidia)\./;

export function displayName(modelId: string): string {
  let s = modelId.replace(REGION_PREFIX, '');
  if (!PROVIDER_PREFIX.test(s)) return modelId;
  s = s.replace(PROVIDER_PREFIX, '');
  s = s.replace(/:\d+(?::[\w.-]+)?$/, ''); // ":0", ":0:200k"
  s = s.replace(/-v\d+$/, ''); // "-v1"
  s = s.replace(/-\d{8}$/, ''); // release date "-20251001"
  return s || modelId;
}
