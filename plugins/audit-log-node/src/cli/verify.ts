/*
 * `yarn audit-log:verify [--from N] [--to N] [--config file ...]`
 *
 * Recomputes the audit log's hash chain straight from the database named by
 * the app config (no running portal needed) and reports the first event that
 * does not verify. Exit code 0: verified; 1: broken; 2: could not run.
 */
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { LoggerService } from '@backstage/backend-plugin-api';
import path from 'node:path';
import { DatabaseAuditStore } from '../DatabaseAuditStore';

function parseArgs(argv: string[]) {
  const configs: string[] = [];
  let fromSeq: number | undefined;
  let toSeq: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--config':
        configs.push(path.resolve(value));
        i++;
        break;
      case '--from':
        fromSeq = Number(value);
        i++;
        break;
      case '--to':
        toSeq = Number(value);
        i++;
        break;
      default:
        throw new Error(
          `unknown argument ${argv[i]}; use --from N --to N --config FILE`,
        );
    }
  }
  for (const n of [fromSeq, toSeq]) {
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
      throw new Error(
        '--from and --to take sequence numbers (whole numbers from 1)',
      );
    }
  }
  return { configs, fromSeq, toSeq };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // run from the repository root (`yarn audit-log:verify`)
  const root = process.env.INIT_CWD ?? process.cwd();
  const configTargets = (
    args.configs.length ? args.configs : [path.join(root, 'app-config.yaml')]
  ).map(p => ({ path: p }));
  // relative paths in the config (the SQLite folder) are relative to packages/backend
  process.chdir(path.join(root, 'packages/backend'));
  const { appConfigs } = await loadConfig({ configRoot: root, configTargets });
  const config = ConfigReader.fromConfigs(appConfigs);
  const logger: LoggerService = {
    error: message => process.stderr.write(`${message}\n`),
    warn: message => process.stderr.write(`${message}\n`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const database = DatabaseManager.fromConfig(config).forPlugin('audit-log', {
    logger,
    // a one-shot command: nothing to start or stop
    lifecycle: { addStartupHook: () => {}, addShutdownHook: () => {} },
  });
  const store = await DatabaseAuditStore.create({ database });
  const result = await store.verify({
    fromSeq: args.fromSeq,
    toSeq: args.toSeq,
  });
  if (result.ok) {
    const upTo = result.verifiedUpTo
      ? `verified up to #${result.verifiedUpTo.seq} (${result.verifiedUpTo.timestamp})`
      : 'no events to verify';
    process.stdout.write(
      `audit log chain OK: ${result.checked} events checked from #${
        result.fromSeq ?? '-'
      }, ${upTo}, in ${result.durationMs} ms\n`,
    );
    process.exit(0);
  }
  process.stdout.write(
    `audit log chain BROKEN at #${result.brokenAt!.seq} (${
      result.brokenAt!.id || 'missing'
    }): ${result.brokenAt!.reason}; ${
      result.checked
    } events verified before it\n`,
  );
  process.exit(1);
}

main().catch(error => {
  process.stderr.write(`audit-log:verify could not run: ${error.message}\n`);
  process.exit(2);
});
