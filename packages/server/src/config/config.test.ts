import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCommand, resolveServerConfig, USAGE, type ServerOptions } from './config.js';
import { pricingFromSetting } from './price-file.js';
import { SERVER_SETTINGS, SETTING_KEYS, type SettingKey } from './server-settings.js';

describe('resolveServerConfig', () => {
  it('uses MLflow-like defaults', () => {
    const c = resolveServerConfig({}, {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      backendStoreUri: 'sqlite:///./loupe-data/loupe.db',
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: path.resolve('loupe-data/artifacts'),
      serveArtifacts: true,
    });
  });

  it('prefers options over LOUPE_* over MLFLOW_* over defaults', () => {
    expect(resolveServerConfig({}, { MLFLOW_PORT: '6000' }).port).toBe(6000);
    expect(resolveServerConfig({}, { MLFLOW_PORT: '6000', LOUPE_PORT: '7000' }).port).toBe(7000);
    expect(resolveServerConfig({ port: 8000 }, { LOUPE_PORT: '7000' }).port).toBe(8000);
    expect(resolveServerConfig({}, { MLFLOW_BACKEND_STORE_URI: 'postgresql://x/y' }).backendStoreUri).toBe('postgresql://x/y');
  });

  it('uses the artifacts destination as the default root when not serving artifacts', () => {
    const c = resolveServerConfig({ serveArtifacts: false, artifactsDestination: '/srv/art' }, {});
    expect(c.defaultArtifactRoot).toBe('/srv/art');
    expect(resolveServerConfig({}, { LOUPE_SERVE_ARTIFACTS: 'false' }).serveArtifacts).toBe(false);
  });

  it('warns about a bad environment value, naming the variable and the setting, and goes on as if it were unset', () => {
    const resolve = (env: NodeJS.ProcessEnv) => {
      const warnings: string[] = [];
      return { config: resolveServerConfig({}, env, (m) => warnings.push(m)), warnings };
    };
    expect(resolve({ LOUPE_PORT: 'abc' })).toEqual({
      config: expect.objectContaining({ port: 5000 }),
      warnings: ["ignoring LOUPE_PORT: port must be an integer in [0, 65535], got 'abc'"],
    });
    // The next name in precedence order takes over.
    expect(resolve({ LOUPE_PORT: '70000', MLFLOW_PORT: '6000' })).toEqual({
      config: expect.objectContaining({ port: 6000 }),
      warnings: ["ignoring LOUPE_PORT: port must be an integer in [0, 65535], got '70000'"],
    });
    expect(resolve({ LOUPE_SERVE_ARTIFACTS: 'maybe' })).toEqual({
      config: expect.objectContaining({ serveArtifacts: true }),
      warnings: ["ignoring LOUPE_SERVE_ARTIFACTS: serve-artifacts must be true or false, got 'maybe'"],
    });
    expect(resolve({ LOUPE_TRACE_RETENTION_DAYS: '0' }).config.traceRetentionDays).toBeUndefined();
    expect(resolve({ LOUPE_TRACE_RETENTION_DAYS: '0' }).warnings).toEqual([
      expect.stringMatching(/^ignoring LOUPE_TRACE_RETENTION_DAYS: trace-retention-days/),
    ]);
    expect(resolve({ LOUPE_TRACE_RETENTION_INTERVAL_MS: '10' })).toEqual({
      config: expect.objectContaining({ traceRetentionIntervalMs: 900_000 }),
      warnings: [expect.stringMatching(/trace-retention-interval-ms must be an integer in \[1000, 86400000\], got '10'/)],
    });
    // Empty values are unset, not bad; good values say nothing.
    expect(resolve({ LOUPE_PORT: '', MLFLOW_PORT: '6000', LOUPE_SERVE_ARTIFACTS: 'OFF' })).toEqual({
      config: expect.objectContaining({ port: 6000, serveArtifacts: false }),
      warnings: [],
    });
    // A code option wins without the environment being read.
    expect(resolveServerConfig({ port: 8000 }, { LOUPE_PORT: 'abc' }, (m) => expect.fail(m)).port).toBe(8000);
  });

  it('applies options > LOUPE_* > MLFLOW_* > defaults to every setting in the table', () => {
    /** Settings whose text is neither a number, a switch nor a path. */
    const special: Partial<Record<SettingKey, [[string, unknown], [string, unknown]]>> = {
      allowedHosts: [
        ['loupe.internal', ['loupe.internal']],
        ['a.example, b.example:8080', ['a.example', 'b.example:8080']],
      ],
      corsAllowedOrigins: [
        ['https://app.example.com', ['https://app.example.com']],
        ['*', ['*']],
      ],
      xFrameOptions: [
        ['deny', 'DENY'],
        ['None', 'NONE'],
      ],
      appName: [
        ['basic-auth', 'basic-auth'],
        [' basic-auth', 'basic-auth'],
      ],
      authDefaultPermission: [
        ['edit', 'EDIT'],
        ['NO_PERMISSIONS', 'NO_PERMISSIONS'],
      ],
      authAdminPassword: [
        ['first secret', 'first secret'],
        ['second secret', 'second secret'],
      ],
      oidcScopes: [
        ['openid', ['openid']],
        ['openid, groups', ['openid', 'groups']],
      ],
      oidcTokenAuthMethod: [
        ['none', 'none'],
        ['Client_Secret_Post', 'client_secret_post'],
      ],
      trustedProxies: [
        ['10.0.0.0/8', ['10.0.0.0/8']],
        ['127.0.0.1, fd00::/8', ['127.0.0.1', 'fd00::/8']],
      ],
      s3EndpointUrl: [
        ['http://127.0.0.1:7480', 'http://127.0.0.1:7480'],
        ['https://s3.internal.example', 'https://s3.internal.example'],
      ],
      s3AddressingStyle: [
        ['path', 'path'],
        ['Virtual', 'virtual'],
      ],
    };
    /** Two valid texts of a setting and the values they read as. */
    const samples = (key: SettingKey): [[string, unknown], [string, unknown]] => {
      const { codec } = SERVER_SETTINGS[key];
      const given = special[key];
      if (given) return given;
      if (codec.isSwitch)
        return [
          ['no', false],
          ['yes', true],
        ];
      const range = /\[(\d+), (\d+)\]/.exec(codec.expected);
      if (range)
        return [
          [range[1] as string, Number(range[1])],
          [range[2] as string, Number(range[2])],
        ];
      if (codec.expected === 'at least 32 characters')
        return [
          ['k'.repeat(32), 'k'.repeat(32)],
          ['s'.repeat(40), 's'.repeat(40)],
        ];
      if (codec.expected === 'a comma-separated list of URL schemes')
        return [
          ['http', ['http']],
          ['HTTPS, http', ['https', 'http']],
        ];
      return [
        ['/first', '/first'],
        ['/second', '/second'],
      ];
    };
    for (const key of SETTING_KEYS) {
      const env = SERVER_SETTINGS[key].env;
      const [[firstText, first], [secondText, second]] = samples(key);
      const loupe = env[0] as string;
      const resolve = (options: ServerOptions, e: NodeJS.ProcessEnv) => resolveServerConfig(options, e, (m) => expect.fail(m))[key];
      // S3 credentials and region are read from the AWS SDK's own names, as MLflow (boto3) reads them.
      expect(loupe, key).toMatch(key.startsWith('s3') ? /^(LOUPE|AWS)_/ : /^LOUPE_/);
      expect(resolve({}, { [loupe]: firstText }), key).toEqual(first);
      expect(resolve({ [key]: second }, { [loupe]: firstText }), key).toEqual(second);
      expect(resolve({}, { [loupe]: '' }), key).toEqual(resolve({}, {}));
      // After the first: MLflow's names, or a Loupe alias (LOUPE_SECRETS_KEY), both below the first.
      for (const mlflow of env.slice(1)) {
        expect(mlflow, key).toMatch(/^(MLFLOW|LOUPE|AWS)_/);
        expect(resolve({}, { [mlflow]: secondText }), key).toEqual(second);
        expect(resolve({}, { [loupe]: firstText, [mlflow]: secondText }), key).toEqual(first);
      }
    }
  });

  it('keeps traces forever unless a retention period is set, checked every 15 minutes', () => {
    const c = resolveServerConfig({}, {});
    expect(c.traceRetentionDays).toBeUndefined();
    expect(c.traceRetentionIntervalMs).toBe(900_000);
    expect(resolveServerConfig({}, { LOUPE_TRACE_RETENTION_DAYS: '30', LOUPE_TRACE_RETENTION_INTERVAL_MS: '60000' })).toMatchObject({
      traceRetentionDays: 30,
      traceRetentionIntervalMs: 60_000,
    });
    expect(resolveServerConfig({ traceRetentionDays: 7 }, { LOUPE_TRACE_RETENTION_DAYS: '30' }).traceRetentionDays).toBe(7);
  });

  it('decodes OTLP on one thread per core beyond the first (at most 4) unless told', () => {
    expect(resolveServerConfig({}, {}).otlpDecodeThreads).toBe(Math.max(0, Math.min(4, os.availableParallelism() - 1)));
    expect(resolveServerConfig({}, { LOUPE_OTLP_DECODE_THREADS: '0' }).otlpDecodeThreads).toBe(0);
    expect(resolveServerConfig({ otlpDecodeThreads: 3 }, { LOUPE_OTLP_DECODE_THREADS: '0' }).otlpDecodeThreads).toBe(3);
    const warnings: string[] = [];
    expect(resolveServerConfig({}, { LOUPE_OTLP_DECODE_THREADS: '-1' }, (m) => warnings.push(m)).otlpDecodeThreads).toBe(
      resolveServerConfig({}, {}).otlpDecodeThreads,
    );
    expect(warnings).toEqual([expect.stringMatching(/otlp-decode-threads/)]);
    expect(parseCommand(['server', '--otlp-decode-threads', '2'])).toEqual({ kind: 'server', options: { otlpDecodeThreads: 2 } });
  });
});

describe('the security settings', () => {
  it('answer the loopback names when bound to loopback, and add private ranges and the address when bound elsewhere', () => {
    expect(resolveServerConfig({}, {}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(resolveServerConfig({}, { LOUPE_HOST: '0.0.0.0' }).allowedHosts).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      'fc00::/7',
    ]);
    expect(resolveServerConfig({ host: '203.0.113.7' }, {}).allowedHosts).toContain('203.0.113.7');
    expect(resolveServerConfig({ host: '0.0.0.0' }, { MLFLOW_SERVER_ALLOWED_HOSTS: 'mlflow.company.com, 10.0.0.100:5000,' }).allowedHosts).toEqual([
      'mlflow.company.com',
      '10.0.0.100:5000',
    ]);
  });

  it("default to no extra origins, SAMEORIGIN framing and the middleware on, as MLflow's", () => {
    expect(resolveServerConfig({}, {})).toMatchObject({ corsAllowedOrigins: [], xFrameOptions: 'SAMEORIGIN', disableSecurityMiddleware: false });
    expect(resolveServerConfig({}, { MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE: 'true' }).disableSecurityMiddleware).toBe(true);
  });

  it('refuse a bad entry with a message naming the flag and the entry, or warn about a bad variable and keep the default', () => {
    expect(() => parseCommand(['server', '--allowed-hosts', 'loupe.internal,fd00::1'])).toThrow(
      "--allowed-hosts must be a comma-separated list of host names, addresses or ranges, got 'loupe.internal,fd00::1' ('fd00::1' is not a host name: write IPv6 addresses in brackets ([::1]) and ranges as fc00::/7)",
    );
    expect(() => parseCommand(['server', '--allowed-hosts', ' , '])).toThrow(/the list is empty/);
    expect(() => parseCommand(['server', '--cors-allowed-origins', 'app.example.com'])).toThrow(
      /--cors-allowed-origins must be a comma-separated list of origins, got 'app.example.com' \('app.example.com' is not an origin/,
    );
    expect(() => parseCommand(['server', '--x-frame-options', 'ALLOW-FROM x'])).toThrow(
      "--x-frame-options must be SAMEORIGIN, DENY or NONE, got 'ALLOW-FROM x'",
    );
    const warnings: string[] = [];
    expect(resolveServerConfig({}, { LOUPE_ALLOWED_HOSTS: 'a b' }, (m) => warnings.push(m)).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(warnings).toEqual([expect.stringMatching(/^ignoring LOUPE_ALLOWED_HOSTS: allowed-hosts must be .* \('a b' is not a host name/)]);
  });

  it('parse from flags', () => {
    expect(
      parseCommand([
        'server',
        '--allowed-hosts',
        'loupe.example.com,*.corp.example',
        '--cors-allowed-origins',
        'https://app.example.com',
        '--x-frame-options',
        'deny',
        '--disable-security-middleware',
      ]),
    ).toEqual({
      kind: 'server',
      options: {
        allowedHosts: ['loupe.example.com', '*.corp.example'],
        corsAllowedOrigins: ['https://app.example.com'],
        xFrameOptions: 'DENY',
        disableSecurityMiddleware: true,
      },
    });
  });
});

describe('parseCommand', () => {
  it('parses server flags', () => {
    expect(
      parseCommand([
        'server',
        '--host',
        '0.0.0.0',
        '--port',
        '8080',
        '--backend-store-uri',
        'sqlite:///x.db',
        '--no-serve-artifacts',
        '--artifacts-destination',
        '/a',
      ]),
    ).toEqual({
      kind: 'server',
      options: { host: '0.0.0.0', port: 8080, backendStoreUri: 'sqlite:///x.db', serveArtifacts: false, artifactsDestination: '/a' },
    });
    expect(parseCommand(['server', '--serve-artifacts'])).toEqual({ kind: 'server', options: { serveArtifacts: true } });
    expect(parseCommand(['server', '--trace-retention-days', '14'])).toEqual({ kind: 'server', options: { traceRetentionDays: 14 } });
  });

  it('parses db upgrade, help and version', () => {
    expect(parseCommand(['db', 'upgrade', '--backend-store-uri', 'postgresql://h/d'])).toEqual({
      kind: 'db-upgrade',
      options: { backendStoreUri: 'postgresql://h/d' },
    });
    expect(parseCommand(['db', 'index-text'])).toEqual({ kind: 'db-index-text', options: {} });
    expect(parseCommand([]).kind).toBe('help');
    expect(parseCommand(['--help']).kind).toBe('help');
    expect(parseCommand(['--version']).kind).toBe('version');
  });

  it('rejects unknown commands, unknown flags and contradictions, in one line that points to the help', () => {
    expect(() => parseCommand(['serve'])).toThrow(
      new ConfigError("unknown command 'serve': the commands are 'server', 'db upgrade' and 'db index-text' (see 'loupe --help')"),
    );
    expect(() => parseCommand(['server', '--bogus'])).toThrow(new ConfigError("unknown option '--bogus': see 'loupe --help' for the options"));
    expect(() => parseCommand(['server', '--prot', '80'])).toThrow(
      new ConfigError("unknown option '--prot' (did you mean '--port'?): see 'loupe --help' for the options"),
    );
    expect(() => parseCommand(['server', '--backend_store_uri', 'x'])).toThrow(/did you mean '--backend-store-uri'\?/);
    expect(() => parseCommand(['server', '--port'])).toThrow(new ConfigError("option '--port' needs a value (see 'loupe --help')"));
    expect(() => parseCommand(['server', '--serve-artifacts=no'])).toThrow(new ConfigError("option '--serve-artifacts' takes no value (see 'loupe --help')"));
    expect(() => parseCommand(['--port', '8080'])).toThrow(
      new ConfigError("no command given: to start the server, run 'loupe server --port 8080' (see 'loupe --help')"),
    );
    expect(() => parseCommand(['server', '--port', 'x'])).toThrow(/--port/);
    expect(() => parseCommand(['server', '--trace-retention-days', '-1'])).toThrow(/--trace-retention-days/);
    expect(() => parseCommand(['server', '--serve-artifacts', '--no-serve-artifacts'])).toThrow(/mutually exclusive/);
  });
});

describe('the settings table', () => {
  it('is what --help shows: every flag, with the environment variables it falls back to', () => {
    for (const key of SETTING_KEYS) {
      const { name, flag, env, codec, description } = SERVER_SETTINGS[key];
      if (!flag) {
        expect(USAGE, key).not.toContain(`--${name}`);
        continue;
      }
      // A short switch is padded to the help column, a long one ends its line.
      if (codec.isSwitch) expect(USAGE, key).toMatch(new RegExp(`  --${name}, --no-${name}(\n| {2})`));
      else expect(USAGE, key).toContain(`  --${name} ${flag.metavar} `);
      for (const variable of env) expect(description, key).toContain(variable);
    }
  });

  it("is what the README's Server options table says: flags, environment variables in order", () => {
    const readme = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Server options'), readme.indexOf('\n## ', readme.indexOf('## Server options') + 1));
    const rows = section
      .split('\n')
      .filter((line) => /^\| .*`(LOUPE|MLFLOW|AWS)_/.test(line))
      .map((line) => {
        const [flags = '', env = ''] = line.split('|').slice(1);
        const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        return { flags: names(flags), env: names(env) };
      });
    const expected = SETTING_KEYS.map((key) => {
      const { name, flag, env, codec } = SERVER_SETTINGS[key];
      return { flags: !flag ? [] : codec.isSwitch ? [`--${name}`, `--no-${name}`] : [`--${name}`], env: [...env] };
    });
    expect(rows).toEqual(expect.arrayContaining(expected));
    expect(rows).toHaveLength(expected.length);
  });
});

describe('parseCommand and the settings table', () => {
  it('refuses a bad flag value with an error naming the flag', () => {
    for (const key of SETTING_KEYS) {
      const { name, flag, codec } = SERVER_SETTINGS[key];
      // 'lots' is a valid text for some settings (a host name, a path).
      if (!flag || codec.isSwitch || codec.acceptsAnyText || codec.schema.safeParse('lots').success) continue;
      // A list's message goes on with the bad entries, in parentheses.
      const message = `--${name} must be ${codec.expected}, got 'lots'`;
      expect(() => parseCommand(['server', `--${name}`, 'lots']), key).toThrow(ConfigError);
      expect(() => parseCommand(['server', `--${name}`, 'lots']), key).toThrow(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($| \\()`));
    }
    expect(() => parseCommand(['server', '-p', '65536'])).toThrow("--port must be an integer in [0, 65535], got '65536'");
  });

  it('takes no flag for a setting read only from the environment', () => {
    expect(() => parseCommand(['server', '--max-json-body-bytes', '2048'])).toThrow(ConfigError);
    expect(() => parseCommand(['server', '--shutdown-grace-ms', '0'])).toThrow(ConfigError);
  });
});

describe('pricing', () => {
  it('is the built-in catalog unless a price file or false is given; a bad file stops the server naming it', () => {
    expect(pricingFromSetting(resolveServerConfig({}, {}).pricing)).toEqual({});
    expect(resolveServerConfig({}, { LOUPE_PRICING: 'false' }).pricing).toBe(false);
    expect(pricingFromSetting(false)).toBe(false);
    expect(parseCommand(['server', '--pricing', 'off'])).toEqual({ kind: 'server', options: { pricing: false } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-prices-'));
    try {
      const file = path.join(dir, 'prices.json');
      fs.writeFileSync(file, JSON.stringify({ models: { 'house-model': { input: 4, output: 8 } }, replaceDefaults: true }));
      expect(pricingFromSetting(resolveServerConfig({}, { LOUPE_PRICING: file }).pricing)).toEqual({
        models: { 'house-model': { input: 4, output: 8 } },
        replaceDefaults: true,
      });
      fs.writeFileSync(file, '[1, 2]');
      expect(() => pricingFromSetting(file)).toThrow(
        new ConfigError(`--pricing: the price file '${file}' is not a price file: expected {"models": {"<model>": {"input": ..., "output": ...}}}`),
      );
      const missing = path.join(dir, 'missing.json');
      expect(() => pricingFromSetting(missing)).toThrow(/^--pricing: cannot read the price file '.*missing\.json' \(ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
