// One measured run for bench/audit-reports.ts, in its own process so that its
// peak RSS is its own: `report` produces a report through DefaultReportService
// (plugins/audit-log-backend/src/reports), `export` streams the CSV export of
// the same range (DatabaseAuditStore.exportPages, hashed as the route hashes
// it, bytes discarded). Prints one JSON line: {"mode","ms","maxRssMb",...}.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/audit-report-worker.ts <database> <report|export> <fromIso> <toIso>
import knexFactory from 'knex';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { DatabaseAuditStore } from '@internal/backstage-plugin-audit-log-node';
import { ExportSigner } from '../plugins/audit-log-backend/src/service/ExportSigner';
import { DatabaseReportStore } from '../plugins/audit-log-backend/src/reports/DatabaseReportStore';
import { DEFAULT_FRAMEWORKS } from '../plugins/audit-log-backend/src/reports/frameworks';
import { DefaultReportService } from '../plugins/audit-log-backend/src/reports/ReportService';

const noopLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child: () => noopLogger,
};

async function main() {
  const [database, mode, from, to] = process.argv.slice(2);
  if (
    !/^bench_reports_[a-z0-9_]+$/.test(database ?? '') ||
    !['report', 'export'].includes(mode)
  ) {
    throw new Error(
      'usage: audit-report-worker.ts bench_reports_<...> <report|export> <from> <to>',
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
  // migrations before the clock starts, for both modes alike
  const reportStore = await DatabaseReportStore.create({ database: database_ });
  const t0 = performance.now();
  const result: Record<string, unknown> = { mode };
  if (mode === 'export') {
    const hash = createHash('sha256');
    let rows = 0;
    let bytes = 0;
    for await (const page of store.exportPages({ from, to }, 'csv')) {
      const data =
        typeof page.data === 'string' ? Buffer.from(page.data) : page.data;
      hash.update(data);
      bytes += data.length;
      rows += page.rowCount;
    }
    Object.assign(result, { rows, mb: Math.round(bytes / 1e5) / 10 });
  } else {
    // time spent in each read of the audit store, for the phase breakdown
    const phases: Record<string, number> = {};
    const timed = (name: string, started: number) => {
      phases[name] = Math.round(
        (phases[name] ?? 0) + performance.now() - started,
      );
    };
    const source = {
      async *iterate(filter: any, pageSize?: number) {
        const name = `iterate ${
          Object.keys(filter)
            .filter(k => k !== 'from' && k !== 'to')
            .join('+') || 'range'
        }`;
        let started = performance.now();
        for await (const page of store.iterate(filter, pageSize)) {
          timed(name, started);
          yield page;
          started = performance.now();
        }
        timed(name, started);
      },
      count: async (filter: any) => {
        const started = performance.now();
        const n = await store.count(filter);
        timed('count', started);
        return n;
      },
      query: async (filter: any, options: any) => {
        const started = performance.now();
        const rows = await store.query(filter, options);
        timed('query', started);
        return rows;
      },
      verify: async (range: any) => {
        const started = performance.now();
        const result = await store.verify(range);
        timed('verify', started);
        return result;
      },
    };
    result.phasesMs = phases;
    const reports = DefaultReportService.create({
      source,
      store: reportStore,
      signer: ExportSigner.fromPrivateKey(
        generateKeyPairSync('ed25519').privateKey,
      ),
      directory: {
        holders: async () => [
          {
            role: 'admin',
            group: 'group:default/platform-admins',
            person: 'user:default/amara.okafor',
            name: 'Amara Okafor',
          },
        ],
        groupsOf: () => [],
      },
      notifier: { reportReady: async () => {} },
      frameworks: DEFAULT_FRAMEWORKS,
      retentionDays: 365,
      logger: noopLogger,
    });
    const framework = reports.framework('soc2');
    const summary = await reports.produce(
      framework,
      { from: new Date(from), to: new Date(to), label: 'bench quarter' },
      { createdBy: 'user:default/priya.nair', scheduled: false },
    );
    const manifest = await reports.manifest(summary.reportId);
    Object.assign(result, {
      events: manifest.eventCount,
      chainVerified: manifest.chainVerified,
      files: manifest.files.length,
      pdfKb: Math.round(
        (manifest.files.find(f => f.name === 'report.pdf')?.bytes ?? 0) / 1024,
      ),
    });
  }
  result.ms = Math.round(performance.now() - t0);
  result.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await knex.destroy();
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
