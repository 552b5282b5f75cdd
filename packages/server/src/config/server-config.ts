/** Everything the server needs to start, resolved from flags, then environment, then defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `sqlite:///relative.db`, `sqlite:////abs/path.db`, `sqlite://:memory:`, or `postgresql://...`. */
  backendStoreUri: string;
  /** Load balancers and proxies (addresses, CIDR ranges) whose `X-Forwarded-For` names the client. */
  trustedProxies: string[];
  /** Connections a server opens to PostgreSQL at most (its pool); SQLite has one. */
  databasePoolSize: number;
  /** Apply pending migrations at start (default); off, the server refuses to start while one is pending (`loupe db upgrade` runs them). */
  migrateOnStart: boolean;
  /** Root URI new experiments get their artifact location under. */
  defaultArtifactRoot: string;
  /**
   * Where the proxied artifact service (`mlflow-artifacts:/`) stores files: an absolute folder, a
   * `file:` URI or `s3://bucket/prefix`; any other scheme stops the server at start-up.
   */
  artifactsDestination: string;
  serveArtifacts: boolean;
  /** Largest JSON request body, in bytes. */
  maxJsonBodyBytes: number;
  /** Milliseconds SIGTERM waits for in-flight requests before closing. */
  shutdownGraceMs: number;
  /** Milliseconds a SIGTERM keeps serving with `/ready` answering 503, before the grace period starts. */
  shutdownDelayMs: number;
  /** Days traces are kept when their experiment does not say (`loupe.trace.retentionDays`); undefined: forever. */
  traceRetentionDays?: number;
  /** Milliseconds between trace retention passes. */
  traceRetentionIntervalMs: number;
  /** Worker threads that decode OTLP bodies; 0 decodes on the request thread. */
  otlpDecodeThreads: number;
  /** A regular expression every new model version's `source` must match (MLflow's MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX); undefined: any. */
  modelVersionSourceRegex?: string;
  /**
   * `Host` headers the server answers (DNS-rebinding protection): names with `*` wildcards and
   * optional ports, IP addresses, address ranges; `['*']` answers any. Default: from `host`.
   */
  allowedHosts: string[];
  /** Web origins, besides the server's own and loopback pages, that may send writes and read replies (CORS); `['*']`: any. */
  corsAllowedOrigins: string[];
  /** `X-Frame-Options`, and the UI's CSP `frame-ancestors`: who may show the UI in a frame. */
  xFrameOptions: 'SAMEORIGIN' | 'DENY' | 'NONE';
  /** Turns off the Host check, the cross-origin write check, CORS and framing headers (MLflow's flag). */
  disableSecurityMiddleware: boolean;
  /**
   * Where span costs come from at ingest: unset, the built-in catalog (`@loupe/protocol/pricing`);
   * the path of a JSON price file merged over it (`config/price-file.ts` reads it); false: no
   * server-side cost (spans keep only what their producer sent).
   */
  pricing?: string | false;
  /**
   * Key material (32+ characters) for encrypting webhook secrets and AI gateway credentials at rest.
   * Unset on SQLite: a key file beside the database; unset on PostgreSQL: both are refused (servers
   * must share a key).
   */
  secretKey?: string;
  /** AI gateway provider URLs (a model's `api_base`) may reach private, loopback or link-local addresses (a local Ollama or vLLM). */
  gatewayAllowPrivateIps: boolean;
  /** Webhook URLs may resolve to private, loopback or link-local addresses (`MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS`). */
  webhookAllowPrivateIps: boolean;
  /** URL schemes a webhook may use (`MLFLOW_WEBHOOK_ALLOWED_SCHEMES`; MLflow's default is https only). */
  webhookAllowedSchemes: string[];
  /** Seconds one delivery attempt may take (`MLFLOW_WEBHOOK_REQUEST_TIMEOUT`). */
  webhookRequestTimeout: number;
  /** Retries of a delivery after its first attempt (`MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES`). */
  webhookMaxRetries: number;
  /** Background jobs (webhook deliveries, online judgements, ...) one server runs at once. */
  jobConcurrency: number;
  /** Days finished jobs stay visible in the jobs API before the runner removes them. */
  jobRetentionDays: number;
  /** Milliseconds between looks at the job queue and the registry event log for work other servers queued. */
  jobPollIntervalMs: number;
  /** How long a job's lease lasts; a dead server's jobs are taken by another once it has run out. */
  jobLeaseMs: number;
  /** Milliseconds between online scoring passes (0: off on this server). */
  onlineScoringIntervalMs: number;
  /** Milliseconds after a trace ends before online scoring looks at it. */
  onlineScoringSettleMs: number;
  /** Milliseconds without a new trace before a session is scored by session judges. */
  onlineScoringSessionIdleMs: number;
  /** `basic-auth`: users, passwords and permissions (docs/adr/0013-auth.md); undefined: no auth (one user, loopback). */
  appName?: 'basic-auth';
  /** The first admin's username, created at the first start with auth on. */
  authAdminUsername: string;
  /** The first admin's password; undefined: a random one, printed once. */
  authAdminPassword?: string;
  /** The permission of a user on an experiment or registered model without an explicit one (MLflow's `default_permission`). */
  authDefaultPermission: 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';
  /** Milliseconds between looks at whether another server changed users or permissions (0: every request). */
  authCacheTtlMs: number;
  /** OpenID Connect issuer for the UI's "Sign in with SSO" (auth/oidc/README.md); undefined: off. */
  oidcIssuer?: string;
  /** The client id registered for Loupe at the provider. */
  oidcClientId?: string;
  /** The client secret; undefined for a public client (PKCE only). */
  oidcClientSecret?: string;
  /** Loupe's callback as browsers reach it (`https://loupe.example.com/auth/callback`), registered at the provider. */
  oidcRedirectUrl?: string;
  /** Scopes asked for (`openid` is always sent); undefined: `openid profile email`. */
  oidcScopes?: string[];
  /** The claim that becomes the Loupe user name; undefined: `preferred_username`, then a verified `email`. */
  oidcUsernameClaim?: string;
  /** The claim listing the user's groups (a dotted path reaches into objects); undefined: `groups`. */
  oidcGroupsClaim?: string;
  /** Members of this group are admins (decided at each login); undefined: admins are managed in Loupe. */
  oidcAdminGroup?: string;
  /** How Loupe authenticates at the token endpoint; undefined: `client_secret_basic` with a secret, `none` without. */
  oidcTokenAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Also read the provider's userinfo endpoint. */
  oidcUserinfo: boolean;
  /** Session cookies are `Secure` and `__Host-` (Loupe is reached over HTTPS). Default: the OIDC redirect URL is https. */
  sessionCookieSecure: boolean;
  /** S3-compatible server for `s3://` locations (`MLFLOW_S3_ENDPOINT_URL`); undefined: AWS S3. */
  s3EndpointUrl?: string;
  /** S3 credentials; undefined: the AWS SDK's default chain (shared files, instance and container roles). */
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  s3SessionToken?: string;
  /** Region S3 requests are signed for. */
  s3Region: string;
  /** Skip TLS certificate checks towards S3 (`MLFLOW_S3_IGNORE_TLS`). */
  s3IgnoreTls: boolean;
  /** Bucket addressing: `auto` is path-style with an endpoint URL, virtual-hosted on AWS. */
  s3AddressingStyle: 'auto' | 'path' | 'virtual';
  /** MiB per part of an upload streamed to S3 (at least 5, S3's minimum). */
  s3UploadPartSizeMb: number;
  /** Parts of one streamed upload in flight at once. */
  s3UploadConcurrency: number;
  /** Seconds a presigned download URL stays valid (`MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS`). */
  presignedDownloadUrlTtlSeconds: number;
  /**
   * Folder of the built web UI served at `/` (a code option, for tests); unset: the `ui` folder beside
   * the server's entry point, where the build puts it; null: serve no UI.
   */
  uiRoot?: string | null;
}
