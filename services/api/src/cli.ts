import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupSqliteStore, type CopyReport, restoreSqliteStore } from '@qingmiao/event-store';
import { Role } from '@qingmiao/schema';
import { Command, Option } from 'commander';
import { sqliteStorePath } from './app.ts';
import { mintToken, resolveAuthSecret } from './auth.ts';
import { Duration, durationText, loadConfig, type QingmiaoConfig } from './config.ts';
import { configuredStore, exportLog, importLog, migrate } from './migrate.ts';
import { rebuildReadModels } from './rebuild.ts';
import { startServer } from './server.ts';

/** The configured embedded store's file (`sqlite` or `sqlite:PATH`); backup and restore work on it only. */
function embeddedStorePath(config: QingmiaoConfig = loadConfig()): string {
  const path = sqliteStorePath(config);
  if (path === undefined)
    throw new Error('backup and restore work on the embedded store (QINGMIAO_EVENT_STORE=sqlite)');
  return path;
}

const program = new Command('qingmiao').description('Qingmiao 青苗: campaign tracker of the education bureau');

program
  .command('serve')
  .description('Start the API server (GraphQL at /graphql) on the configured event store')
  .action(async () => {
    const running = await startServer(loadConfig());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void running.stop().then(() => process.exit(0));
      });
    }
  });

program
  .command('token')
  .description('Print a signed token (JWT, HS256) for the Authorization: Bearer header')
  .addOption(new Option('--role <role>', 'who the token is for').choices(Role.options).makeOptionMandatory())
  .option('--school <schoolId>', 'the school acted for (role school)')
  .option('--sub <subject>', 'the person or system the token names', 'cli')
  .option('--expires <duration>', 'lifetime, e.g. 8h or 30d (default: QINGMIAO_MAX_TOKEN_LIFETIME, 30d)')
  .action(async (options: { role: Role; school?: string; sub: string; expires?: string }) => {
    if (options.role === 'school' && !options.school) program.error('--school is required for role school');
    const config = loadConfig();
    const lifetime = options.expires === undefined ? config.maxTokenLifetime : Duration.safeParse(options.expires).data;
    if (lifetime === undefined) return program.error(`--expires ${options.expires}: must be a duration like 8h or 30d`);
    if (lifetime > config.maxTokenLifetime) {
      program.error(
        `--expires ${options.expires} is longer than QINGMIAO_MAX_TOKEN_LIFETIME (${durationText(config.maxTokenLifetime)}): the server would refuse the token`,
      );
    }
    const token = await mintToken(
      resolveAuthSecret(config),
      { sub: options.sub, role: options.role, schoolId: options.school },
      `${lifetime}s`,
    );
    process.stdout.write(`${token}\n`);
  });

program
  .command('rebuild')
  .description('Rebuild the read models from the log (blue-green when the server is running)')
  .option('--url <url>', 'the running server', '')
  .action(async (options: { url: string }) => {
    const report = await rebuildReadModels(loadConfig(), options.url || undefined);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  });

program
  .command('backup')
  .description('Copy the event store consistently while the server keeps running (SQLite online backup)')
  .requiredOption('--to <file>', 'the backup file to create')
  .action(async (options: { to: string }) => {
    const { events } = await backupSqliteStore(embeddedStorePath(), options.to);
    process.stdout.write(`backed up ${events} events to ${options.to}\n`);
  });

program
  .command('restore')
  .description('Replace the event store with a backup (server stopped); read models are rebuilt at the next start')
  .requiredOption('--from <file>', 'a file made by `qingmiao backup`')
  .action(async (options: { from: string }) => {
    const config = loadConfig();
    const { events } = await restoreSqliteStore(options.from, embeddedStorePath(config));
    rmSync(join(config.dataDir, 'read-models'), { recursive: true, force: true });
    process.stdout.write(`restored ${events} events from ${options.from}; read models will be rebuilt at start\n`);
  });

function progress(report: CopyReport): void {
  process.stderr.write(`\rchecked ${report.skipped}, copied ${report.copied} events`);
}

program
  .command('migrate')
  .description('Copy the whole log to another store (same ids, order, metadata), resumable, verified at the end')
  .requiredOption('--from <store>', 'sqlite:PATH, esdb://… or kurrentdb://…')
  .requiredOption('--to <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (empty, or holding an interrupted copy)')
  .action(async (options: { from: string; to: string }) => {
    const { skipped, copied, digest } = await migrate(options.from, options.to, progress);
    process.stdout.write(
      `\nmigrated ${digest.events} events (${skipped} already there, ${copied} copied), sha256 ${digest.sha256}\n` +
        'instances on the new store start with fresh read models (remove their read-models folder)\n',
    );
  });

program
  .command('export')
  .description('Write the log as JSON Lines, one event per line in log order (backups, audits)')
  .requiredOption('--to <file>', 'the .jsonl file to create')
  .option('--from <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (default: the configured store)')
  .action(async (options: { to: string; from?: string }) => {
    const digest = await exportLog(options.from ?? configuredStore(loadConfig()), options.to);
    process.stdout.write(`exported ${digest.events} events to ${options.to}, sha256 ${digest.sha256}\n`);
  });

program
  .command('import')
  .description('Append a JSON Lines export to a store (empty, or holding an interrupted import), verified at the end')
  .requiredOption('--from <file>', 'a file made by `qingmiao export`')
  .option('--to <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (default: the configured store)')
  .action(async (options: { from: string; to?: string }) => {
    const { skipped, copied, digest } = await importLog(
      options.from,
      options.to ?? configuredStore(loadConfig()),
      progress,
    );
    process.stdout.write(
      `\nimported ${digest.events} events (${skipped} already there, ${copied} copied), sha256 ${digest.sha256}\n`,
    );
  });

await program.parseAsync();
