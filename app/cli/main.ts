// The `refinery` command line.
import { parseArgs } from 'node:util';
import { RefineryError, describeError } from '../../core/errors.ts';
import { loadConfig } from '../config.ts';
import { openContext, type CliContext } from './context.ts';
import { demoCommand } from './commands/demo-command.ts';
import { holdoutCommand } from './commands/holdout-command.ts';
import { importCommand } from './commands/import-command.ts';
import { privacyCommand } from './commands/privacy-command.ts';
import { reportCommand } from './commands/report-command.ts';
import { rulesCommand } from './commands/rules-command.ts';
import { scheduleCommand } from './commands/schedule-command.ts';
import { runsCommand } from './commands/runs-command.ts';
import { segmentsCommand } from './commands/segments-command.ts';
import { syncCommand } from './commands/sync-command.ts';
import { secretsCommand } from './commands/secrets-command.ts';

const USAGE = `refinery: refine Shopify customer segments and write them back

usage:
  refinery import orders <file.csv> [--shop S] [--json]   order history from a CSV file
  refinery sync [--shop S] [--json] [--full] [--as-of DATE] pull, segment, write back
  refinery segments [--shop S] [--json]                   segments with size and revenue share
  refinery runs [--shop S] [--json]                       sync history
  refinery report models --as-of DATE [--horizon DAYS]    backtest of the predictions
  refinery report clusters [--as-of DATE]                 behaviour clusters
  refinery report quality [--as-of DATE]                  data quality
  refinery report lift [--segment KEY] [--as-of DATE]     holdout lift since each first write-back
                                                          (reports take --shop, --json)
  refinery rules [list]                                   rule segments
  refinery rules add KEY --name NAME --rule RULE          add or replace one (core/rules/README.md)
  refinery rules remove KEY | rules check --rule RULE
  refinery holdout [--share N]                            show or set the holdout share (0 to 0.5)
  refinery schedule [show] [--shop S] [--json]            when syncs run, next full syncs
  refinery schedule set [--cron EXPR|off] [--tz ZONE]     change it (cron read in the IANA zone,
       [--every MINUTES|off] [--pause|--resume]           incremental every 1-1440 minutes)
  refinery privacy requests [--shop S] [--json]          Shopify compliance requests received
  refinery privacy show ID [--shop S]                     one request (a data request's data)
  refinery secrets rotate [--json]                        re-encrypt stored secrets with the current
                                                          key (app/store/secrets.md)
  refinery demo [--once] [--port N] [--ui-port N]         the whole loop on a demo store, then its admin UI
                                                          at http://localhost:3000 (--ui-port; --once: no UI)

environment: DATABASE_URL (PostgreSQL; SQLite at ./data/refinery.db otherwise),
             REFINERY_SQLITE_PATH, REFINERY_SHOP (default --shop),
             REFINERY_ENCRYPTION_KEYS (keyId:base64,...; a local key file otherwise)`;

const OPTIONS = {
  shop: { type: 'string' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  'as-of': { type: 'string' },
  once: { type: 'boolean' },
  port: { type: 'string' },
  'ui-port': { type: 'string' },
  horizon: { type: 'string' },
  segment: { type: 'string' },
  name: { type: 'string' },
  rule: { type: 'string' },
  share: { type: 'string' },
  cron: { type: 'string' },
  tz: { type: 'string' },
  every: { type: 'string' },
  pause: { type: 'boolean' },
  resume: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, ReadonlyArray<keyof typeof OPTIONS>> = {
  import: ['shop', 'json'],
  sync: ['shop', 'json', 'full', 'as-of'],
  segments: ['shop', 'json'],
  runs: ['shop', 'json'],
  report: ['shop', 'json', 'as-of', 'horizon', 'segment'],
  rules: ['shop', 'json', 'name', 'rule'],
  holdout: ['shop', 'json', 'share'],
  schedule: ['shop', 'json', 'cron', 'tz', 'every', 'pause', 'resume'],
  privacy: ['shop', 'json'],
  secrets: ['json'],
  demo: ['once', 'port', 'ui-port'],
};

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...positionals] = parsed.positionals;
  const flags = parsed.values;
  if (!command || flags.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command || flags.help ? 0 : 2;
  }
  const allowed = ALLOWED[command];
  if (!allowed) {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  const stray = Object.keys(flags).filter((f) => f !== 'help' && !allowed.includes(f as keyof typeof OPTIONS));
  if (stray.length > 0) {
    process.stderr.write(`refinery ${command} does not take ${stray.map((f) => `--${f}`).join(', ')}\n`);
    return 2;
  }
  if (command !== 'import' && command !== 'report' && command !== 'rules' && command !== 'schedule' && command !== 'privacy' && command !== 'secrets' && positionals.length > 0) {
    process.stderr.write(`refinery ${command} takes no arguments (got ${positionals.join(' ')})\n`);
    return 2;
  }
  let ctx: CliContext | null = null;
  try {
    ctx = await openContext(loadConfig());
    switch (command) {
      case 'import':
        return await importCommand(ctx, positionals, flags);
      case 'sync':
        return await syncCommand(ctx, flags);
      case 'segments':
        return await segmentsCommand(ctx, flags);
      case 'runs':
        return await runsCommand(ctx, flags);
      case 'report':
        return await reportCommand(ctx, positionals, flags);
      case 'rules':
        return await rulesCommand(ctx, positionals, flags);
      case 'holdout':
        return await holdoutCommand(ctx, flags);
      case 'schedule':
        return await scheduleCommand(ctx, positionals, flags);
      case 'privacy':
        return await privacyCommand(ctx, positionals, flags);
      case 'secrets':
        return await secretsCommand(ctx, positionals, flags);
      default:
        return await demoCommand(ctx, flags);
    }
  } catch (error) {
    ctx?.progress.done();
    process.stderr.write(`refinery ${command}: ${describeError(error)}\n`);
    return error instanceof RefineryError && error.code === 'INPUT' ? 2 : 1;
  } finally {
    await ctx?.store.close();
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
