// The audit log's HTTP API alone, in its own process, for bench/audit-log.ts:
// the real DatabaseAuditStore, StoringAuditorService and createRouter
// (plugins/audit-log-backend/src/router.ts) on an existing database, with
// stand-ins for the services a backend would inject (httpAuth: every request
// is user:default/priya.nair; permissions: ALLOW; logger: silent).
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/audit-export-server.ts <database> [--mem-log]
//
// --mem-log writes
// `MEM {"rss":..,"heapTotal":..,"heapUsed":..,"external":..,"arrayBuffers":..}`
// (process.memoryUsage(), bytes) to stderr every 100 ms.
// Listens on 127.0.0.1 on a free port chosen by the OS (never 7007/7017/7027/7037)
// and prints one line `{"port":<n>,"pid":<pid>}` on stdout once it accepts requests.
// Routes are under /api/audit-log. It exits when its parent closes stdin.
import express from 'express';
import knexFactory from 'knex';
import { generateKeyPairSync } from 'node:crypto';
import { AddressInfo } from 'node:net';
import {
  DatabaseAuditStore,
  StoringAuditorService,
} from '@internal/backstage-plugin-audit-log-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createRouter } from '../plugins/audit-log-backend/src/router';
import { ExportSigner } from '../plugins/audit-log-backend/src/service/ExportSigner';
import { DatabaseReportStore } from '../plugins/audit-log-backend/src/reports/DatabaseReportStore';
import { DEFAULT_FRAMEWORKS } from '../plugins/audit-log-backend/src/reports/frameworks';
import { DefaultReportService } from '../plugins/audit-log-backend/src/reports/ReportService';

const FORBIDDEN_PORTS = new Set([7007, 7017, 7027, 7037]);

const noopLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return noopLogger;
  },
};

async function main() {
  const database = process.argv[2];
  if (!database || !/^bench_audit_[a-z0-9_]+$/.test(database)) {
    throw new Error(
      `usage: audit-export-server.ts bench_audit_<...> (got ${database})`,
    );
  }
  const knex = knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database },
    pool: { min: 0, max: 10 },
  });
  const database_ = {
    getClient: async () => knex,
    migrations: { skip: false },
  } as any;
  const store = await DatabaseAuditStore.create({
    database: database_,
    logger: noopLogger,
  });
  if (process.argv.includes('--mem-log')) {
    setInterval(
      () =>
        process.stderr.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`),
      100,
    ).unref();
  }

  const user = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/priya.nair' },
  };
  const httpAuth: any = {
    credentials: async () => user,
    issueUserCookie: async () => ({
      expiresAt: new Date(Date.now() + 3600_000),
    }),
  };
  const auth: any = {
    getOwnServiceCredentials: async () => ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:audit-log' },
    }),
    isPrincipal: (c: any, type: string) => c?.principal?.type === type,
  };
  const permissions: any = {
    authorize: async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  };
  const auditor = StoringAuditorService.create({
    pluginId: 'audit-log',
    store,
    logger: noopLogger,
    auth,
    httpAuth,
    storeLowSeverity: false,
  });
  const signer = ExportSigner.fromPrivateKey(
    generateKeyPairSync('ed25519').privateKey,
  );
  // the router serves reports too; this bench asks only for exports
  const reports = DefaultReportService.create({
    source: store,
    store: await DatabaseReportStore.create({ database: database_ }),
    signer,
    directory: { holders: async () => [], groupsOf: () => [] },
    notifier: { reportReady: async () => {} },
    frameworks: DEFAULT_FRAMEWORKS,
    retentionDays: 365,
    logger: noopLogger,
  });

  const app = express();
  app.use(
    '/api/audit-log',
    await createRouter({
      httpAuth,
      permissions,
      auditor,
      logger: noopLogger,
      store,
      signer,
      reports,
    }),
  );
  // what the backend's error middleware does, minus the logging
  app.use(
    (
      error: any,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        { InputError: 400, NotAllowedError: 403, NotFoundError: 404 }[
          error?.name as string
        ] ?? 500;
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      res
        .status(status)
        .json({ error: { name: error?.name, message: error?.message } });
    },
  );

  let server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  // the OS never hands out these in practice, but make sure
  while (FORBIDDEN_PORTS.has((server.address() as AddressInfo).port)) {
    server.close();
    server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
  }

  const shutdown = async () => {
    server.close();
    server.closeAllConnections?.();
    await knex.destroy().catch(() => {});
    process.exit(0);
  };
  // the parent holds our stdin: when it goes away, so do we
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
  process.on('SIGTERM', shutdown);

  process.stdout.write(
    `${JSON.stringify({
      port: (server.address() as AddressInfo).port,
      pid: process.pid,
    })}\n`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
