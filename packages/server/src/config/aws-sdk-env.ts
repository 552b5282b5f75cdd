/**
 * Turns off the warning the AWS SDK prints when its first client is made on Node 20 (that SDK
 * versions published after January 2027 will need Node 22). Loupe supports Node 20 with the SDK
 * versions in its lock file; the warning would only add lines to every start-up with S3 artifacts.
 * A value already set is kept (`false` brings the warning back).
 *
 * @example
 * quietAwsSdkNodeWarning(); // before the first S3Client
 */
export function quietAwsSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
