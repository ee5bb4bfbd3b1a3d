import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Commands } from '@qingmiao/domain';
import { backupSqliteStore, type CopyReport, locateEventStore, restoreSqliteStore } from '@qingmiao/event-store';
import { describeReadModels, projections, readModelStatus } from '@qingmiao/projections';
import { Role } from '@qingmiao/schema';
import { Command, Option } from 'commander';
import { devSecretFile, mintToken, resolveAuthSecret } from './auth.ts';
import { Duration, durationText, loadConfig, type QingmiaoConfig } from './config.ts';
import { configuredMasterKey, configuredStoreOptions, openEventLog, openKeyStore } from './event-log.ts';
import { backUpFiles, filesAdvice, restoreFilesOf } from './files/files-backup.ts';
import { exportLog, importLog, migrate, migrateEncrypting, type StoreSpec } from './migrate.ts';
import { rebuildReadModels } from './rebuild.ts';
import { startServer } from './server.ts';
import { prepareWebApp } from './web-app/build.ts';

// Everything the CLI and the server it runs write (data dir, backups, exports) holds children's personal data (PIPL):
// owner-only, including what no code here names, such as SQLite's temporary files.
process.umask(0o077);

/** The configured embedded store's file (`sqlite` or `sqlite:PATH`); backup and restore work on it only. */
function embeddedStorePath(config: QingmiaoConfig = loadConfig()): string {
  const location = locateEventStore(config.eventStore, configuredStoreOptions(config));
  if (location.kind !== 'sqlite') {
    throw new Error('backup and restore work on the embedded store (QINGMIAO_EVENT_STORE=sqlite)');
  }
  return location.path;
}

/** The store an option names, or else the configured one (QINGMIAO_EVENT_STORE). */
function storeOption(option: '--from' | '--to', spec: string | undefined): StoreSpec {
  if (spec !== undefined) return { spec, options: { setting: option } };
  const config = loadConfig();
  return { spec: config.eventStore, options: configuredStoreOptions(config) };
}

const program = new Command('qingmiao')
  .description('Qingmiao 青苗: campaign tracker of the education bureau')
  .option('--verbose', 'print the stack trace of an error (as does setting DEBUG)');

/** The command being run, to name it in an error. */
let running = 'qingmiao';
program.hook('preAction', (_program, command) => {
  running = command.name();
});

/** One line naming the command and what went wrong, exit code 1; the stack only with --verbose or DEBUG. */
function fail(error: unknown): never {
  const verbose = program.opts<{ verbose?: boolean }>().verbose || Boolean(process.env.DEBUG);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${running}: ${message.split('\n')[0]}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

program
  .command('serve')
  .description('Start the API server (GraphQL at /graphql) on the configured event store')
  .action(async () => {
    const server = await startServer(loadConfig(), { webApp: prepareWebApp() });
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        // Ctrl-C reaches the server from the terminal and again through `npm start`: stop once.
        if (stopping) return;
        stopping = true;
        server.stop().then(() => process.exit(0), fail);
      });
    }
  });

program
  .command('token')
  .description('Print a signed token (JWT, HS256) for the Authorization: Bearer header')
  .addOption(new Option('--role <role>', 'who the token is for').choices(Role.options).makeOptionMandatory())
  .option('--school <schoolId>', 'the school acted for (role school)')
  .requiredOption('--sub <subject>', 'the system the token names (e.g. nightly-export): service tokens only')
  .option('--expires <duration>', 'lifetime, e.g. 8h or 30d (default: QINGMIAO_MAX_TOKEN_LIFETIME, 30d)')
  .action(async (options: { role: Role; school?: string; sub: string; expires?: string }) => {
    if (options.role === 'school' && !options.school) program.error('--school is required for role school');
    const config = loadConfig();
    const lifetime = options.expires === undefined ? config.maxTokenLifetime : Duration.safeParse(options.expires).data;
    if (lifetime === undefined) throw new Error(`--expires ${options.expires}: must be a duration like 8h or 30d`);
    if (lifetime > config.maxTokenLifetime) {
      throw new Error(
        `--expires ${options.expires} is longer than QINGMIAO_MAX_TOKEN_LIFETIME (${durationText(config.maxTokenLifetime)}): the server would refuse the token`,
      );
    }
    const secretFile = resolve(devSecretFile(config));
    const created = !config.authSecret && !existsSync(secretFile);
    const token = await mintToken(
      resolveAuthSecret(config),
      { sub: options.sub, role: options.role, schoolId: options.school },
      `${lifetime}s`,
    );
    // stdout stays the bare token (for `$(…)`); which secret signed it goes to stderr.
    if (!config.authSecret) {
      process.stderr.write(
        `token: signed with the development secret ${secretFile}${created ? ' (created now)' : ''}; ` +
          'only a server on this data directory without QINGMIAO_AUTH_SECRET accepts it\n',
      );
    }
    process.stdout.write(`${token}\n`);
  });

const account = program.command('account').description('Manage accounts from the server itself');

account
  .command('create')
  .description('Create an account and print its one-time activation code (e.g. the first organizer of a fresh install)')
  .requiredOption('--login <login>', 'a lowercase name or an e-mail address')
  .requiredOption('--name <displayName>', 'the name shown for the account')
  .addOption(new Option('--role <role>', 'what the account may do').choices(Role.options).makeOptionMandatory())
  .option('--school <schoolId>', 'the school acted for (role school)')
  .action(async (options: { login: string; name: string; role: Role; school?: string }) => {
    const config = loadConfig();
    // The same Commands the server runs, on the configured store: the server may be running or not.
    const { store } = openEventLog(config);
    try {
      const { activationCode } = await new Commands(store).createAccount(
        { login: options.login, displayName: options.name, role: options.role, schoolId: options.school },
        { actor: { sub: 'cli', role: 'organizer' }, correlationId: randomUUID() },
      );
      process.stderr.write('account: created; the activation code below is valid for 7 days and shown only now\n');
      process.stdout.write(`${activationCode}\n`);
    } finally {
      await store.close();
    }
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
  .command('upgrade-check')
  .description(
    'Say whether this version will rebuild the read models at its next start (run it with the new version before ' +
      'switching) and how long their last build took',
  )
  .option('--json', 'print the status as JSON')
  .action((options: { json?: boolean }) => {
    const status = readModelStatus(join(loadConfig().dataDir, 'read-models'), projections);
    process.stdout.write(`${options.json ? JSON.stringify(status) : describeReadModels(status)}\n`);
  });

program
  .command('backup')
  .description(
    'Copy the event store consistently while the server keeps running (SQLite online backup), then the files ' +
      '(QINGMIAO_FILES=folder) to FILE.files',
  )
  .requiredOption('--to <file>', 'the backup file to create')
  .action(async (options: { to: string }) => {
    const config = loadConfig();
    const { events } = await backupSqliteStore(embeddedStorePath(config), options.to);
    process.stdout.write(`backed up ${events} events to ${options.to}\n`);
    // After the events: every file they refer to is kept by then.
    process.stdout.write(`${await backUpFiles(config, options.to)}\n`);
  });

program
  .command('restore')
  .description(
    'Replace the event store with a backup (server stopped), and put back the files of FILE.files the store lacks; ' +
      'read models are rebuilt at the next start',
  )
  .requiredOption('--from <file>', 'a file made by `qingmiao backup`')
  .action(async (options: { from: string }) => {
    const config = loadConfig();
    const { events } = await restoreSqliteStore(options.from, embeddedStorePath(config));
    rmSync(join(config.dataDir, 'read-models'), { recursive: true, force: true });
    process.stdout.write(`restored ${events} events from ${options.from}; read models will be rebuilt at start\n`);
    process.stdout.write(`${await restoreFilesOf(config, options.from)}\n`);
  });

/**
 * Copy progress on stderr: on a terminal one line rewritten in place; elsewhere (a log file, a pipe) a line at
 * most once a second, and the final count at the end.
 */
async function withProgress<T>(copy: (report: (progress: CopyReport) => void) => Promise<T>): Promise<T> {
  const terminal = process.stderr.isTTY;
  const line = ({ skipped, copied }: CopyReport) => `checked ${skipped}, copied ${copied} events`;
  let latest: CopyReport | undefined;
  let shown: CopyReport | undefined;
  let shownAt = 0;
  try {
    return await copy((progress) => {
      latest = progress;
      if (terminal) {
        process.stderr.write(`\r${line(progress)}`);
        shown = progress;
      } else if (Date.now() - shownAt >= 1000) {
        process.stderr.write(`${line(progress)}\n`);
        shown = progress;
        shownAt = Date.now();
      }
    });
  } finally {
    if (terminal && shown) process.stderr.write('\n');
    else if (latest && latest !== shown) process.stderr.write(`${line(latest)}\n`);
  }
}

program
  .command('migrate')
  .description('Copy the whole log to another store (same ids, order, metadata), resumable, verified at the end')
  .requiredOption('--from <store>', 'sqlite:PATH, esdb://… or kurrentdb://…')
  .requiredOption('--to <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (empty, or holding an interrupted copy)')
  .option(
    '--encrypt-personal-data',
    'copy a log written before personal data was encrypted: upcast every event, encrypt names on the way, with new ' +
      'keys in the key store of the target (QINGMIAO_KEY_STORE, else beside the target) under QINGMIAO_MASTER_KEY',
  )
  .action(async (options: { from: string; to: string; encryptPersonalData?: boolean }) => {
    const [from, to] = [storeOption('--from', options.from), storeOption('--to', options.to)];
    const { skipped, copied, digest } = await withProgress((progress) => {
      if (!options.encryptPersonalData) return migrate(from, to, progress);
      const config = loadConfig();
      const keyStore = openKeyStore({ eventStore: to.spec, keyStore: config.keyStore, dataDir: config.dataDir });
      return migrateEncrypting(from, to, { keyStore, masterKey: configuredMasterKey(config) }, progress);
    });
    const checked = options.encryptPersonalData
      ? `personal data encrypted; the target opens to the source upcast, sha256 ${digest.sha256}`
      : `sha256 ${digest.sha256}`;
    process.stdout.write(
      `migrated ${digest.events} events (${skipped} already there, ${copied} copied), ${checked}\n` +
        'instances on the new store start with fresh read models (remove their read-models folder)\n',
    );
  });

program
  .command('export')
  .description('Write the log as JSON Lines, one event per line in log order (backups, audits)')
  .requiredOption('--to <file>', 'the .jsonl file to create')
  .option('--from <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (default: the configured store)')
  .action(async (options: { to: string; from?: string }) => {
    const digest = await exportLog(storeOption('--from', options.from), options.to);
    process.stdout.write(`exported ${digest.events} events to ${options.to}, sha256 ${digest.sha256}\n`);
    process.stdout.write(`${filesAdvice(loadConfig())}\n`);
  });

program
  .command('import')
  .description('Append a JSON Lines export to a store (empty, or holding an interrupted import), verified at the end')
  .requiredOption('--from <file>', 'a file made by `qingmiao export`')
  .option('--to <store>', 'sqlite:PATH, esdb://… or kurrentdb://… (default: the configured store)')
  .action(async (options: { from: string; to?: string }) => {
    const to = storeOption('--to', options.to);
    const { skipped, copied, digest } = await withProgress((progress) => importLog(options.from, to, progress));
    process.stdout.write(
      `imported ${digest.events} events (${skipped} already there, ${copied} copied), sha256 ${digest.sha256}\n`,
    );
  });

await program.parseAsync().catch(fail);
