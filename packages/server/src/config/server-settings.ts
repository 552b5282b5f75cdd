import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defaultAllowedHosts, parseHostPattern } from '../http/security/host-allowlist.js';
import { parseOriginPattern } from '../http/security/origin-allowlist.js';
import { trustedProxyProblem } from '../http/client-address.js';
import type { ServerConfig } from './server-config.js';

/** How a setting's text (a flag's or an environment variable's value) becomes its value. */
export interface Codec<T> {
  /** From text to the value; fails on text that is not one. */
  schema: z.ZodType<T, string>;
  /** What valid text is, for messages: `port must be ${expected}, got 'x'`. */
  expected: string;
  /** On the command line an on/off pair (`--x`, `--no-x`) rather than a flag that takes a value. */
  isSwitch?: boolean;
  /** Every text is a value (a name, a path): nothing is refused. */
  acceptsAnyText?: boolean;
}

/** Any text. */
const text: Codec<string> = { schema: z.string(), expected: 'a string', acceptsAnyText: true };

/** A regular expression (JavaScript syntax, which MLflow's Python patterns mostly share). */
const regex: Codec<string> = {
  schema: z.string().refine((raw) => {
    try {
      new RegExp(raw);
      return true;
    } catch {
      return false;
    }
  }),
  expected: 'a regular expression',
};

/** `1/true/yes/on` or `0/false/no/off`, any case. */
const onOff: Codec<boolean> = {
  schema: z
    .string()
    .regex(/^(1|true|yes|on|0|false|no|off)$/i)
    .transform((raw) => /^(1|true|yes|on)$/i.test(raw)),
  expected: 'true or false',
  isSwitch: true,
};

/**
 * A comma-separated list (entries trimmed, empty ones dropped) of at least one entry; `check` returns
 * why an entry is not valid, which the error message quotes.
 */
function commaList(expected: string, check: (entry: string) => string | null): Codec<string[]> {
  return {
    schema: z.string().transform((raw, ctx) => {
      const entries = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'the list is empty' });
      for (const entry of entries) {
        const problem = check(entry);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }
      return entries;
    }),
    expected,
  };
}

/** The message a `parse*Pattern` function returned, or null when it parsed the entry. */
const problemOf = (parsed: unknown): string | null => (typeof parsed === 'string' ? parsed : null);

/** `--x-frame-options`: MLflow's three values, any case. */
const frameOptions: Codec<ServerConfig['xFrameOptions']> = {
  schema: z
    .string()
    .transform((raw) => raw.trim().toUpperCase())
    .pipe(z.enum(['SAMEORIGIN', 'DENY', 'NONE'])),
  expected: 'SAMEORIGIN, DENY or NONE',
};

/** `false` (also `0/no/off`), or any other text as it is (a path). */
const falseOrText: Codec<string | false> = {
  schema: z.string().transform((raw) => (/^(0|false|no|off)$/i.test(raw) ? false : raw)),
  expected: 'false or a path',
  acceptsAnyText: true,
};

/** A whole number in `[min, max]`, read as JavaScript's `Number()` reads it. */
function integer(min: number, max: number): Codec<number> {
  return {
    schema: z.string().transform(Number).pipe(z.number().int().min(min).max(max)),
    expected: `an integer in [${min}, ${max}]`,
  };
}

/** Comma-separated names, trimmed and lowercased, at least one. */
const nameList: Codec<string[]> = {
  schema: z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9+.-]*$/)).min(1)),
  expected: 'a comma-separated list of URL schemes',
};

/** `--app-name`: the one app Loupe has, MLflow's name for it. */
const appName: Codec<'basic-auth'> = { schema: z.string().trim().pipe(z.literal('basic-auth')), expected: 'basic-auth' };

/** A permission name, any case. */
const permission: Codec<ServerConfig['authDefaultPermission']> = {
  schema: z
    .string()
    .transform((raw) => raw.trim().toUpperCase())
    .pipe(z.enum(['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'])),
  expected: 'READ, EDIT, MANAGE or NO_PERMISSIONS',
};

/** An `http(s)://` URL with a host. */
const httpUrl: Codec<string> = {
  schema: z.string().refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }),
  expected: 'an http:// or https:// URL',
};

/** `auto`, `path` or `virtual`, any case (boto's addressing styles). */
const addressingStyle: Codec<ServerConfig['s3AddressingStyle']> = {
  schema: z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum(['auto', 'path', 'virtual'])),
  expected: 'auto, path or virtual',
};

/** Any non-empty text (a password: never logged). */
const secretText: Codec<string> = { schema: z.string().min(1), expected: 'a non-empty string' };

/** A key of at least 32 characters. */
const keyText: Codec<string> = { schema: z.string().min(32), expected: 'at least 32 characters' };

/** `--oidc-token-auth-method`: the token endpoint authentication methods Loupe speaks. */
const tokenAuthMethod: Codec<NonNullable<ServerConfig['oidcTokenAuthMethod']>> = {
  schema: z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum(['client_secret_basic', 'client_secret_post', 'none'])),
  expected: 'client_secret_basic, client_secret_post or none',
};

/** Comma-separated OAuth scopes, at least one. */
const scopeList = commaList('a comma-separated list of scopes', (entry) => (/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(entry) ? null : `'${entry}' is not a scope`));

/** Settings read from flags and the environment (`uiRoot` is a code option only). */
export type SettingKey = Exclude<keyof ServerConfig, 'uiRoot'>;

/** Another setting's resolved value, for a default that depends on it. */
export type SettingLookup = <K extends SettingKey>(key: K) => ServerConfig[K];

/** One server setting: where it is read from, how, and what it is when nothing sets it. */
export interface Setting<T> {
  /** Its name in messages, and its flag's (`--name`) when it has one. */
  name: string;
  /** How the command line takes it; false: only through the environment (and code options). */
  flag: false | { metavar?: string; short?: string };
  /** Environment variables in precedence order: Loupe's own, then MLflow's. Empty values count as unset. */
  env: readonly string[];
  codec: Codec<T>;
  /** The value when neither an option, a flag nor the environment sets it; undefined: none. */
  default: (get: SettingLookup) => T | undefined;
  /** Applied to the value from any source. */
  normalize?: (value: T) => T;
  /** What it does; for a flag, its lines in `loupe --help` (continuation lines are indented there). */
  description: string;
}

const DATA_DIR = './loupe-data';

/** A URI's scheme (two letters or more: `C:` is a Windows drive, not a scheme). */
const URI_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

/**
 * Every server setting, in the order `loupe --help` lists the flags. The one table flags, the
 * environment and defaults are read from (`resolveServerConfig`, `parseCommand`); the README's
 * "Server options" table is checked against it.
 *
 * @example
 * SERVER_SETTINGS.port.env; // ['LOUPE_PORT', 'MLFLOW_PORT']
 */
export const SERVER_SETTINGS: { readonly [K in SettingKey]-?: Setting<NonNullable<ServerConfig[K]>> } = {
  host: {
    name: 'host',
    flag: { metavar: 'HOST' },
    env: ['LOUPE_HOST', 'MLFLOW_HOST'],
    codec: text,
    default: () => '127.0.0.1',
    description: 'Interface to bind (env LOUPE_HOST / MLFLOW_HOST; default 127.0.0.1)',
  },
  port: {
    name: 'port',
    flag: { metavar: 'PORT', short: 'p' },
    env: ['LOUPE_PORT', 'MLFLOW_PORT'],
    codec: integer(0, 65535),
    default: () => 5000,
    description: 'Port (env LOUPE_PORT / MLFLOW_PORT; default 5000)',
  },
  backendStoreUri: {
    name: 'backend-store-uri',
    flag: { metavar: 'URI' },
    env: ['LOUPE_BACKEND_STORE_URI', 'MLFLOW_BACKEND_STORE_URI'],
    codec: text,
    default: () => `sqlite:///${DATA_DIR}/loupe.db`,
    description: `sqlite:///path.db or postgresql://user@host/db
(env LOUPE_BACKEND_STORE_URI / MLFLOW_BACKEND_STORE_URI;
default sqlite:///./loupe-data/loupe.db)`,
  },
  trustedProxies: {
    name: 'trusted-proxies',
    flag: false,
    env: ['LOUPE_TRUSTED_PROXIES'],
    codec: commaList('a comma-separated list of IP addresses or CIDR ranges', trustedProxyProblem),
    default: () => [],
    description: "Load balancers whose X-Forwarded-For names the client, for the login throttle's per-address count (default none).",
  },
  databasePoolSize: {
    name: 'database-pool-size',
    flag: false,
    env: ['LOUPE_DATABASE_POOL_SIZE'],
    codec: integer(2, 1000),
    default: () => 10,
    description: 'Connections each server opens to PostgreSQL at most (default 10; servers x this must stay under max_connections).',
  },
  migrateOnStart: {
    name: 'migrate',
    flag: {},
    env: ['LOUPE_MIGRATE_ON_START'],
    codec: onOff,
    default: () => true,
    description: `Apply pending database migrations at start (env LOUPE_MIGRATE_ON_START;
default on; off: refuse to start until 'loupe db upgrade' has run them)`,
  },
  defaultArtifactRoot: {
    name: 'default-artifact-root',
    flag: { metavar: 'URI' },
    env: ['LOUPE_DEFAULT_ARTIFACT_ROOT', 'MLFLOW_DEFAULT_ARTIFACT_ROOT'],
    codec: text,
    default: (get) => (get('serveArtifacts') ? 'mlflow-artifacts:/' : get('artifactsDestination')),
    description: `Artifact root for new experiments (env LOUPE_DEFAULT_ARTIFACT_ROOT /
MLFLOW_DEFAULT_ARTIFACT_ROOT; default mlflow-artifacts:/ when serving artifacts)`,
  },
  artifactsDestination: {
    name: 'artifacts-destination',
    flag: { metavar: 'PATH' },
    env: ['LOUPE_ARTIFACTS_DESTINATION', 'MLFLOW_ARTIFACTS_DESTINATION'],
    codec: text,
    default: () => path.join(DATA_DIR, 'artifacts'),
    // A folder is made absolute; a URI (s3://bucket/prefix, file:///abs) is kept as given and checked at start-up.
    normalize: (destination) => (URI_SCHEME.test(destination) ? destination : path.resolve(destination)),
    description: `Where the proxied artifact service stores files: a folder, or
s3://bucket/prefix (env LOUPE_ARTIFACTS_DESTINATION /
MLFLOW_ARTIFACTS_DESTINATION; default ./loupe-data/artifacts)`,
  },
  serveArtifacts: {
    name: 'serve-artifacts',
    flag: {},
    env: ['LOUPE_SERVE_ARTIFACTS', 'MLFLOW_SERVE_ARTIFACTS'],
    codec: onOff,
    default: () => true,
    description: `Proxy artifact uploads and downloads (env LOUPE_SERVE_ARTIFACTS /
MLFLOW_SERVE_ARTIFACTS; default on)`,
  },
  traceRetentionDays: {
    name: 'trace-retention-days',
    flag: { metavar: 'DAYS' },
    env: ['LOUPE_TRACE_RETENTION_DAYS'],
    codec: integer(1, 36_500),
    default: () => undefined,
    description: `Delete traces older than DAYS, unless their experiment's tag
loupe.trace.retentionDays says otherwise (env LOUPE_TRACE_RETENTION_DAYS;
default: keep forever). Checked every 15 minutes
(env LOUPE_TRACE_RETENTION_INTERVAL_MS)`,
  },
  otlpDecodeThreads: {
    name: 'otlp-decode-threads',
    flag: { metavar: 'N' },
    env: ['LOUPE_OTLP_DECODE_THREADS'],
    codec: integer(0, 64),
    // One decode thread per core beyond the first (the request thread's), at most four.
    default: () => Math.max(0, Math.min(4, os.availableParallelism() - 1)),
    description: `Worker threads decoding OTLP trace bodies; 0 decodes on the request
thread (env LOUPE_OTLP_DECODE_THREADS; default: cores - 1, at most 4)`,
  },
  allowedHosts: {
    name: 'allowed-hosts',
    flag: { metavar: 'LIST' },
    env: ['LOUPE_ALLOWED_HOSTS', 'MLFLOW_SERVER_ALLOWED_HOSTS'],
    codec: commaList('a comma-separated list of host names, addresses or ranges', (entry) => problemOf(parseHostPattern(entry))),
    default: (get) => defaultAllowedHosts(get('host')),
    description: `Host headers to answer, against DNS rebinding: names (* wildcards,
optional :port), addresses, ranges (10.0.0.0/8); '*' answers any
(env LOUPE_ALLOWED_HOSTS / MLFLOW_SERVER_ALLOWED_HOSTS; default
localhost, 127.0.0.1, [::1]; bound to another address, private
address ranges and that address too)`,
  },
  corsAllowedOrigins: {
    name: 'cors-allowed-origins',
    flag: { metavar: 'LIST' },
    env: ['LOUPE_CORS_ALLOWED_ORIGINS', 'MLFLOW_SERVER_CORS_ALLOWED_ORIGINS'],
    codec: commaList('a comma-separated list of origins', (entry) => problemOf(parseOriginPattern(entry))),
    default: () => [],
    description: `Web origins (https://app.example.com, * wildcards) whose pages may
change data and read replies; '*' allows any (env
LOUPE_CORS_ALLOWED_ORIGINS / MLFLOW_SERVER_CORS_ALLOWED_ORIGINS;
default: none besides the server's own and loopback pages)`,
  },
  xFrameOptions: {
    name: 'x-frame-options',
    flag: { metavar: 'VALUE' },
    env: ['LOUPE_X_FRAME_OPTIONS', 'MLFLOW_SERVER_X_FRAME_OPTIONS'],
    codec: frameOptions,
    default: () => 'SAMEORIGIN',
    description: `Who may show the UI in a frame: SAMEORIGIN, DENY or NONE (anyone)
(env LOUPE_X_FRAME_OPTIONS / MLFLOW_SERVER_X_FRAME_OPTIONS;
default SAMEORIGIN)`,
  },
  disableSecurityMiddleware: {
    name: 'disable-security-middleware',
    flag: {},
    env: ['LOUPE_DISABLE_SECURITY_MIDDLEWARE', 'MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE'],
    codec: onOff,
    default: () => false,
    description: `DANGEROUS: no Host check, cross-origin check, CORS or framing
headers (env LOUPE_DISABLE_SECURITY_MIDDLEWARE /
MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE; default off)`,
  },
  pricing: {
    name: 'pricing',
    flag: { metavar: 'FILE' },
    env: ['LOUPE_PRICING'],
    codec: falseOrText,
    default: () => undefined,
    description: `Prices spans that report a model and tokens but no cost: a JSON price file
merged over the built-in catalog, or false for no server-side cost
(env LOUPE_PRICING; default: the built-in catalog)`,
  },
  appName: {
    name: 'app-name',
    flag: { metavar: 'NAME' },
    env: ['LOUPE_APP_NAME'],
    codec: appName,
    default: () => undefined,
    description: `basic-auth: users, passwords and permissions (MLflow's basic-auth app;
env LOUPE_APP_NAME; default: no auth, for one user on loopback). First
admin from LOUPE_AUTH_ADMIN_USERNAME / LOUPE_AUTH_ADMIN_PASSWORD, else
'admin' with a random password printed once`,
  },
  authAdminUsername: {
    name: 'auth-admin-username',
    flag: false,
    env: ['LOUPE_AUTH_ADMIN_USERNAME', 'MLFLOW_AUTH_ADMIN_USERNAME'],
    codec: text,
    default: () => 'admin',
    description: 'The first admin, created at the first start with auth on (default admin).',
  },
  authAdminPassword: {
    name: 'auth-admin-password',
    flag: false,
    env: ['LOUPE_AUTH_ADMIN_PASSWORD', 'MLFLOW_AUTH_ADMIN_PASSWORD'],
    codec: secretText,
    default: () => undefined,
    description: "The first admin's password (default: random, printed once at the first start).",
  },
  authDefaultPermission: {
    name: 'auth-default-permission',
    flag: false,
    env: ['LOUPE_AUTH_DEFAULT_PERMISSION'],
    codec: permission,
    default: () => 'READ',
    description: 'Permission on experiments and registered models without an explicit one (default READ).',
  },
  authCacheTtlMs: {
    name: 'auth-cache-ttl-ms',
    flag: false,
    env: ['LOUPE_AUTH_CACHE_TTL_MS'],
    codec: integer(0, 60_000),
    default: () => 1000,
    description: 'Milliseconds other servers may go on using a changed password or permission (default 1000).',
  },
  oidcIssuer: {
    name: 'oidc-issuer',
    flag: { metavar: 'URL' },
    env: ['LOUPE_OIDC_ISSUER'],
    codec: text,
    default: () => undefined,
    description: `OpenID Connect issuer: turns on "Sign in with SSO" in the UI (needs
--app-name basic-auth; env LOUPE_OIDC_ISSUER; default off)`,
  },
  oidcClientId: {
    name: 'oidc-client-id',
    flag: { metavar: 'ID' },
    env: ['LOUPE_OIDC_CLIENT_ID'],
    codec: text,
    default: () => undefined,
    description: 'Client id registered for Loupe at the provider (env LOUPE_OIDC_CLIENT_ID)',
  },
  oidcClientSecret: {
    name: 'oidc-client-secret',
    flag: { metavar: 'SECRET' },
    env: ['LOUPE_OIDC_CLIENT_SECRET'],
    codec: secretText,
    default: () => undefined,
    description: `Client secret; leave out for a public client (prefer the env
LOUPE_OIDC_CLIENT_SECRET: flags show in process lists)`,
  },
  oidcRedirectUrl: {
    name: 'oidc-redirect-url',
    flag: { metavar: 'URL' },
    env: ['LOUPE_OIDC_REDIRECT_URL'],
    codec: text,
    default: () => undefined,
    description: `Loupe's callback as browsers reach it, registered at the provider:
https://loupe.example.com/auth/callback (env LOUPE_OIDC_REDIRECT_URL)`,
  },
  oidcScopes: {
    name: 'oidc-scopes',
    flag: { metavar: 'LIST' },
    env: ['LOUPE_OIDC_SCOPES'],
    codec: scopeList,
    default: () => undefined,
    description: 'Scopes, comma-separated (env LOUPE_OIDC_SCOPES; default openid,profile,email)',
  },
  oidcUsernameClaim: {
    name: 'oidc-username-claim',
    flag: { metavar: 'CLAIM' },
    env: ['LOUPE_OIDC_USERNAME_CLAIM'],
    codec: text,
    default: () => undefined,
    description: `Claim that names the Loupe user (env LOUPE_OIDC_USERNAME_CLAIM;
default preferred_username, then a verified email)`,
  },
  oidcGroupsClaim: {
    name: 'oidc-groups-claim',
    flag: { metavar: 'CLAIM' },
    env: ['LOUPE_OIDC_GROUPS_CLAIM'],
    codec: text,
    default: () => undefined,
    description: `Claim listing the user's groups; a dotted path reaches into objects
(realm_access.roles) (env LOUPE_OIDC_GROUPS_CLAIM; default groups)`,
  },
  oidcAdminGroup: {
    name: 'oidc-admin-group',
    flag: { metavar: 'GROUP' },
    env: ['LOUPE_OIDC_ADMIN_GROUP'],
    codec: text,
    default: () => undefined,
    description: `Members of this group are Loupe admins, decided at each SSO login
(env LOUPE_OIDC_ADMIN_GROUP; default: admins are managed in Loupe)`,
  },
  oidcTokenAuthMethod: {
    name: 'oidc-token-auth-method',
    flag: { metavar: 'NAME' },
    env: ['LOUPE_OIDC_TOKEN_AUTH_METHOD'],
    codec: tokenAuthMethod,
    default: () => undefined,
    description: `client_secret_basic, client_secret_post or none (env
LOUPE_OIDC_TOKEN_AUTH_METHOD; default client_secret_basic with a secret)`,
  },
  oidcUserinfo: {
    name: 'oidc-userinfo',
    flag: {},
    env: ['LOUPE_OIDC_USERINFO'],
    codec: onOff,
    default: () => true,
    description: `Also read the provider's userinfo endpoint (env LOUPE_OIDC_USERINFO;
default on)`,
  },
  sessionCookieSecure: {
    name: 'session-cookie-secure',
    flag: false,
    env: ['LOUPE_SESSION_COOKIE_SECURE'],
    codec: onOff,
    default: (get) => get('oidcRedirectUrl')?.startsWith('https:') ?? false,
    description: 'Browser session cookies are Secure and __Host- named (default: on when the OIDC redirect URL is https).',
  },
  s3EndpointUrl: {
    name: 's3-endpoint-url',
    flag: false,
    env: ['LOUPE_S3_ENDPOINT_URL', 'MLFLOW_S3_ENDPOINT_URL'],
    codec: httpUrl,
    default: () => undefined,
    description: 'S3-compatible server for s3:// artifact locations (Ceph, MinIO, ...); unset: AWS S3. Set, buckets are addressed path-style.',
  },
  s3AccessKeyId: {
    name: 's3-access-key-id',
    flag: false,
    env: ['AWS_ACCESS_KEY_ID'],
    codec: secretText,
    default: () => undefined,
    description: "Access key for S3 (unset: the AWS SDK's default chain: shared config files, instance or container roles).",
  },
  s3SecretAccessKey: {
    name: 's3-secret-access-key',
    flag: false,
    env: ['AWS_SECRET_ACCESS_KEY'],
    codec: secretText,
    default: () => undefined,
    description: 'Secret key for S3, with AWS_ACCESS_KEY_ID.',
  },
  s3SessionToken: {
    name: 's3-session-token',
    flag: false,
    env: ['AWS_SESSION_TOKEN'],
    codec: secretText,
    default: () => undefined,
    description: 'Session token of temporary S3 credentials.',
  },
  s3Region: {
    name: 's3-region',
    flag: false,
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    codec: text,
    default: () => 'us-east-1',
    description: 'Region S3 requests are signed for (default us-east-1; AWS S3 redirects to the bucket region).',
  },
  s3IgnoreTls: {
    name: 's3-ignore-tls',
    flag: false,
    env: ['LOUPE_S3_IGNORE_TLS', 'MLFLOW_S3_IGNORE_TLS'],
    codec: onOff,
    default: () => false,
    description: "Do not verify the S3 server's TLS certificate (a self-signed test server; default off).",
  },
  s3AddressingStyle: {
    name: 's3-addressing-style',
    flag: false,
    env: ['LOUPE_S3_ADDRESSING_STYLE', 'MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE'],
    codec: addressingStyle,
    default: () => 'auto',
    description: 'path (https://host/bucket/key), virtual (https://bucket.host/key) or auto: path with an endpoint URL, virtual on AWS.',
  },
  s3UploadPartSizeMb: {
    name: 's3-upload-part-size-mb',
    flag: false,
    env: ['LOUPE_S3_UPLOAD_PART_SIZE_MB'],
    codec: integer(5, 5120),
    default: () => 8,
    description: 'MiB per part of an upload streamed to S3; the largest object is 10,000 parts (default 8: 80 GiB).',
  },
  s3UploadConcurrency: {
    name: 's3-upload-concurrency',
    flag: false,
    env: ['LOUPE_S3_UPLOAD_CONCURRENCY'],
    codec: integer(1, 64),
    default: () => 4,
    description: 'Parts of one upload sent to S3 at once; an upload holds at most this many parts plus one in memory (default 4).',
  },
  presignedDownloadUrlTtlSeconds: {
    name: 'presigned-download-url-ttl-seconds',
    flag: false,
    env: ['LOUPE_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS', 'MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS'],
    codec: integer(1, 604_800),
    default: () => 300,
    description: 'Seconds a presigned S3 download URL (mlflow-artifacts/presigned) stays valid (default 300).',
  },
  maxJsonBodyBytes: {
    name: 'max-json-body-bytes',
    flag: false,
    env: ['LOUPE_MAX_JSON_BODY_BYTES'],
    codec: integer(1024, 1 << 30),
    default: () => 16 * 1024 * 1024,
    description: 'Largest JSON request body, in bytes (default 16 MiB).',
  },
  shutdownGraceMs: {
    name: 'shutdown-grace-ms',
    flag: false,
    env: ['LOUPE_SHUTDOWN_GRACE_MS'],
    codec: integer(0, 600_000),
    default: () => 10_000,
    description: 'Milliseconds SIGTERM waits for in-flight requests before closing (default 10000).',
  },
  shutdownDelayMs: {
    name: 'shutdown-delay-ms',
    flag: false,
    env: ['LOUPE_SHUTDOWN_DELAY_MS'],
    codec: integer(0, 600_000),
    default: () => 0,
    description: 'Milliseconds SIGTERM keeps serving while /ready answers 503, so load balancers stop sending first (default 0).',
  },
  traceRetentionIntervalMs: {
    name: 'trace-retention-interval-ms',
    flag: false,
    env: ['LOUPE_TRACE_RETENTION_INTERVAL_MS'],
    codec: integer(1000, 86_400_000),
    default: () => 15 * 60_000,
    description: 'Milliseconds between trace retention passes (default 900000, 15 minutes).',
  },
  modelVersionSourceRegex: {
    name: 'model-version-source-regex',
    flag: false,
    env: ['LOUPE_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX', 'MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX'],
    codec: regex,
    default: () => undefined,
    description: 'A pattern every new model version source must match (default: any source).',
  },
  secretKey: {
    name: 'secret-key',
    flag: { metavar: 'KEY' },
    env: ['LOUPE_SECRET_KEY', 'LOUPE_SECRETS_KEY', 'MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY'],
    codec: keyText,
    default: () => undefined,
    description: `Key (32+ characters) encrypting webhook secrets and AI gateway credentials at
rest (env LOUPE_SECRET_KEY / LOUPE_SECRETS_KEY / MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY;
default on SQLite: a key file beside the database; PostgreSQL servers must
all be given the same key)`,
  },
  gatewayAllowPrivateIps: {
    name: 'gateway-allow-private-ips',
    flag: {},
    env: ['LOUPE_GATEWAY_ALLOW_PRIVATE_IPS'],
    codec: onOff,
    default: () => false,
    description: `Let AI gateway models (their api_base) reach private, loopback and link-local
addresses, such as a local Ollama or vLLM server (env LOUPE_GATEWAY_ALLOW_PRIVATE_IPS; default off)`,
  },
  webhookAllowPrivateIps: {
    name: 'webhook-allow-private-ips',
    flag: {},
    env: ['LOUPE_WEBHOOK_ALLOW_PRIVATE_IPS', 'MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS'],
    codec: onOff,
    default: () => false,
    description: `Let webhook URLs reach private, loopback and link-local addresses
(env LOUPE_WEBHOOK_ALLOW_PRIVATE_IPS / MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS; default off)`,
  },
  webhookAllowedSchemes: {
    name: 'webhook-allowed-schemes',
    flag: false,
    env: ['LOUPE_WEBHOOK_ALLOWED_SCHEMES', 'MLFLOW_WEBHOOK_ALLOWED_SCHEMES'],
    codec: nameList,
    default: () => ['https'],
    description: 'URL schemes webhooks may use, comma-separated (default https).',
  },
  webhookRequestTimeout: {
    name: 'webhook-request-timeout',
    flag: false,
    env: ['LOUPE_WEBHOOK_REQUEST_TIMEOUT', 'MLFLOW_WEBHOOK_REQUEST_TIMEOUT'],
    codec: integer(1, 600),
    default: () => 30,
    description: 'Seconds one webhook delivery attempt may take (default 30).',
  },
  webhookMaxRetries: {
    name: 'webhook-max-retries',
    flag: false,
    env: ['LOUPE_WEBHOOK_REQUEST_MAX_RETRIES', 'MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES'],
    codec: integer(0, 20),
    default: () => 3,
    description: 'Retries of a webhook delivery after its first attempt (default 3).',
  },
  jobConcurrency: {
    name: 'job-concurrency',
    flag: false,
    env: ['LOUPE_JOB_CONCURRENCY'],
    codec: integer(1, 256),
    default: () => 32,
    description:
      'Background jobs (webhook deliveries, online judgements, ...) one server runs at once (default 32; they mostly wait on the network, so 32 judges answering in 200 ms keep up with 100 traces/s).',
  },
  jobRetentionDays: {
    name: 'job-retention-days',
    flag: false,
    env: ['LOUPE_JOB_RETENTION_DAYS'],
    codec: integer(1, 3650),
    default: () => 7,
    description:
      'Days finished background jobs (failed ones, and the succeeded jobs of judge runs and backfills) stay visible in the jobs API before removal (default 7).',
  },
  onlineScoringIntervalMs: {
    name: 'online-scoring-interval-ms',
    flag: false,
    env: ['LOUPE_ONLINE_SCORING_INTERVAL_MS'],
    codec: integer(0, 3_600_000),
    default: () => 10_000,
    description: 'Milliseconds between online scoring passes over new traces (default 10000; 0 turns online scoring off on this server).',
  },
  onlineScoringSettleMs: {
    name: 'online-scoring-settle-ms',
    flag: false,
    env: ['LOUPE_ONLINE_SCORING_SETTLE_MS'],
    codec: integer(0, 3_600_000),
    default: () => 15_000,
    description: 'Milliseconds after a trace ends before online scoring looks at it, so its last spans have arrived (default 15000).',
  },
  onlineScoringSessionIdleMs: {
    name: 'online-scoring-session-idle-ms',
    flag: false,
    env: ['LOUPE_ONLINE_SCORING_SESSION_IDLE_MS'],
    codec: integer(0, 86_400_000),
    default: () => 300_000,
    description: 'Milliseconds a session must go without a new trace before session judges score it (default 300000, 5 minutes).',
  },
  jobPollIntervalMs: {
    name: 'job-poll-interval-ms',
    flag: false,
    env: ['LOUPE_JOB_POLL_INTERVAL_MS'],
    codec: integer(50, 600_000),
    default: () => 1000,
    description: 'Milliseconds between looks for background work queued by other servers (default 1000).',
  },
  jobLeaseMs: {
    name: 'job-lease-ms',
    flag: false,
    env: ['LOUPE_JOB_LEASE_MS'],
    codec: integer(3000, 3_600_000),
    default: () => 60_000,
    description:
      "Milliseconds a job's lease lasts (renewed every third while it runs): how long the jobs of a server that died wait for another (default 60000).",
  },
};

/** The settings' keys, in table order. */
export const SETTING_KEYS = Object.keys(SERVER_SETTINGS) as SettingKey[];
