import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { ServerConfig } from './server-config.js';
import { SERVER_SETTINGS, SETTING_KEYS, type Setting, type SettingKey, type SettingLookup } from './server-settings.js';

export type { ServerConfig } from './server-config.js';

/** Settings a caller may give in code; unset ones fall back to the environment, then to defaults. */
export type ServerOptions = Partial<ServerConfig>;

/** Raised for a bad command line (a bad environment value only warns); the CLI prints its message and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * `${label} must be ${expected}, got '${raw}'`: the message for text a setting cannot take, followed
 * by the codec's own reasons (a list's bad entries) when it gives them.
 */
function invalidText(label: string, expected: string, raw: string, error?: z.ZodError): string {
  const reasons = (error?.issues ?? []).filter((issue) => issue.code === 'custom').map((issue) => issue.message);
  return `${label} must be ${expected}, got '${raw}'${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`;
}

/**
 * The setting's value from the first of its environment variables that is set and valid. A value that
 * is not valid is reported through `warn` and skipped, as if unset (OpenTelemetry's habit: a bad
 * variable does not stop the process).
 */
function fromEnv<T>(setting: Setting<T>, env: NodeJS.ProcessEnv, warn: (message: string) => void): T | undefined {
  for (const name of setting.env) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const parsed = setting.codec.schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    warn(`ignoring ${name}: ${invalidText(setting.name, setting.codec.expected, raw, parsed.error)}`);
  }
  return undefined;
}

const warnOnConsole = (message: string) => console.warn(`loupe: ${message}`);

/**
 * Resolves the server configuration from {@link SERVER_SETTINGS}: explicit options, then environment
 * (`LOUPE_*`, then MLflow's `MLFLOW_*` names), then defaults. The one function that decides precedence.
 * An environment value a setting cannot take is reported through `warn` and ignored.
 *
 * @example
 * const config = resolveServerConfig({ port: 0 }, process.env);
 */
export function resolveServerConfig(options: ServerOptions, env: NodeJS.ProcessEnv, warn: (message: string) => void = warnOnConsole): ServerConfig {
  const resolved = new Map<SettingKey, unknown>();
  const get: SettingLookup = (key) => {
    if (!resolved.has(key)) {
      const setting = SERVER_SETTINGS[key] as Setting<unknown>;
      const value = options[key] ?? fromEnv(setting, env, warn) ?? setting.default(get);
      resolved.set(key, value !== undefined && setting.normalize ? setting.normalize(value) : value);
    }
    return resolved.get(key) as ServerConfig[typeof key];
  };
  const config: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = get(key);
    if (value !== undefined) config[key] = value;
  }
  if (options.uiRoot !== undefined) config.uiRoot = options.uiRoot;
  return config as unknown as ServerConfig;
}

/**
 * {@link resolveServerConfig} against this process's environment.
 *
 * @example
 * const config = resolveServerConfigFromProcess({ port: 8080 });
 */
export function resolveServerConfigFromProcess(options: ServerOptions): ServerConfig {
  return resolveServerConfig(options, process.env);
}

/** A parsed command line. */
export type Command =
  | { kind: 'server'; options: ServerOptions }
  | { kind: 'db-upgrade'; options: ServerOptions }
  | { kind: 'db-index-text'; options: ServerOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version' };

/** `  --flag ARG` padded to this column, where the help text starts. */
const HELP_COLUMN = 33;

/** The help lines of the settings that have flags, from the table. */
function flagHelp(): string {
  const indent = ' '.repeat(HELP_COLUMN);
  return SETTING_KEYS.map((key) => SERVER_SETTINGS[key] as Setting<unknown>)
    .filter((s) => s.flag)
    .map((s) => {
      const flag = s.codec.isSwitch ? `--${s.name}, --no-${s.name}` : `--${s.name}${s.flag && s.flag.metavar ? ` ${s.flag.metavar}` : ''}`;
      const lead = `  ${flag}`;
      const text = s.description.split('\n').join(`\n${indent}`);
      return lead.length < HELP_COLUMN - 1 ? `${lead.padEnd(HELP_COLUMN)}${text}\n` : `${lead}\n${indent}${text}\n`;
    })
    .join('');
}

/**
 * What `loupe --help` prints; the server options come from {@link SERVER_SETTINGS}.
 *
 * @example
 * process.stdout.write(USAGE);
 */
export const USAGE = `Usage: loupe <command> [options]

Commands:
  server        Start the tracking server (MLflow REST API, artifacts, UI)
  db upgrade    Apply database migrations and exit
  db index-text Fill the span text index now (the server otherwise fills it in the background), then exit

Options (server):
${flagHelp()}  -h, --help                     Show this help
  -v, --version                  Show the version
`;

/**
 * Parses `loupe` command-line arguments (without `node` and the script).
 *
 * @example
 * parseCommand(['server', '--port', '8080']); // { kind: 'server', options: { port: 8080 } }
 */
export function parseCommand(argv: string[]): Command {
  const flagged = SETTING_KEYS.filter((key) => SERVER_SETTINGS[key].flag);
  const flags: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } };
  for (const key of flagged) {
    const { name, flag, codec } = SERVER_SETTINGS[key] as Setting<unknown>;
    if (codec.isSwitch) {
      flags[name] = { type: 'boolean' };
      flags[`no-${name}`] = { type: 'boolean' };
    } else {
      flags[name] = { type: 'string', ...(flag && flag.short ? { short: flag.short } : {}) };
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: flags });
  } catch (err) {
    throw usageError(err as Error & { code?: string }, Object.keys(flags));
  }
  const { values, positionals } = parsed;
  if (values.version) return { kind: 'version' };
  if (values.help || argv.length === 0) return { kind: 'help', text: USAGE };
  if (positionals.length === 0) throw new ConfigError(`no command given: to start the server, run 'loupe server ${argv.join(' ')}' (${HELP_HINT})`);
  const options: Record<string, unknown> = {};
  for (const key of flagged) {
    const setting = SERVER_SETTINGS[key] as Setting<unknown>;
    const raw = values[setting.name];
    if (setting.codec.isSwitch) {
      const off = values[`no-${setting.name}`];
      if (raw && off) throw new ConfigError(`--${setting.name} and --no-${setting.name} are mutually exclusive`);
      if (raw) options[key] = true;
      if (off) options[key] = false;
    } else if (typeof raw === 'string') {
      const decoded = setting.codec.schema.safeParse(raw);
      if (!decoded.success) throw new ConfigError(invalidText(`--${setting.name}`, setting.codec.expected, raw, decoded.error));
      options[key] = decoded.data;
    }
  }

  const command = positionals.join(' ');
  if (command === 'server') return { kind: 'server', options };
  if (command === 'db upgrade') return { kind: 'db-upgrade', options };
  if (command === 'db index-text') return { kind: 'db-index-text', options };
  throw new ConfigError(`unknown command '${command}': the commands are 'server', 'db upgrade' and 'db index-text' (${HELP_HINT})`);
}

/** Where every usage error points. */
const HELP_HINT = "see 'loupe --help'";

/** A `parseArgs` error as one line that names the option and points to the help, with the nearest known option for a misspelt one. */
function usageError(err: Error & { code?: string }, known: string[]): ConfigError {
  // Node quotes the option: "Unknown option '--bogus'", "Option '-p, --port <value>' argument missing".
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option = /--[^\s,=]+/.exec(quoted)?.[0] ?? /-[^\s,=]+/.exec(quoted)?.[0];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = nearestOption(option, known);
    return new ConfigError(`unknown option '${option}'${near ? ` (did you mean '--${near}'?)` : ''}: ${HELP_HINT} for the options`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const problem = /does not take an argument/.test(err.message) ? 'takes no value' : 'needs a value';
    return new ConfigError(`option '${option}' ${problem} (${HELP_HINT})`);
  }
  return new ConfigError(`${err.message} (${HELP_HINT})`);
}

/** The known option nearest to a misspelt one (`--backend_store_uri`, `--prot`), if one is close. */
function nearestOption(given: string, known: string[]): string | undefined {
  const name = given.replace(/^-+/, '').split('=', 1)[0]?.replace(/_/g, '-').toLowerCase() ?? '';
  let best: { option: string; distance: number } | undefined;
  for (const option of known) {
    const distance = option.startsWith(name) && name.length >= 3 ? 0 : editDistance(name, option);
    if (distance <= 2 && (!best || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

/** Levenshtein distance between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
