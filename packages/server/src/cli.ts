#!/usr/bin/env node
import { ConfigError, parseCommand, resolveServerConfigFromProcess } from './config/config.js';
import { securityNotice } from './config/security-notice.js';
import { indexSpanText, loupeVersion, startServer, upgradeDatabase } from './main.js';
import { StartupError } from './startup-error.js';

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(command.text);
      return 0;
    case 'version':
      process.stdout.write(`${loupeVersion()}\n`);
      return 0;
    case 'db-upgrade': {
      const config = resolveServerConfigFromProcess(command.options);
      const applied = await upgradeDatabase(config.backendStoreUri);
      process.stdout.write(applied.length > 0 ? `Applied migrations: ${applied.join(', ')}\n` : 'Database is up to date.\n');
      return 0;
    }
    case 'db-index-text': {
      const config = resolveServerConfigFromProcess(command.options);
      const started = performance.now();
      const total = await indexSpanText(config.backendStoreUri, (done) => process.stdout.write(`Indexed ${done} spans...\n`));
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`Span text index is up to date: ${total} spans indexed in ${seconds.toFixed(1)} s.\n`);
      return 0;
    }
    case 'server': {
      const config = resolveServerConfigFromProcess(command.options);
      const server = await startServer(config);
      process.stdout.write(`Loupe ${loupeVersion()} listening on ${server.url}\n`);
      for (const line of securityNotice(config, Number(new URL(server.url).port))) process.stdout.write(`${line}\n`);
      for (const notice of server.loupe.notices) process.stdout.write(`${notice}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stdout.write(`Received ${signal}, finishing in-flight requests...\n`);
          void server.close().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      process.stdout.write('Loupe stopped.\n');
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A usage error (2) or a start-up failure worded for the user (a StartupError's own code): one line.
    // Anything else is unexpected: its message, and exit 1.
    process.stderr.write(`loupe: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : err instanceof StartupError ? err.exitCode : 1;
  },
);
