// The New capability template end to end on PostgreSQL, step by step, and its
// dry run against the real run.
//
//   node --require @backstage/cli/config/nodeTransform.cjs bench/templates.ts [--runs=5]
//
// Starts the templates' backend as the template test does it (real catalog
// reading the repository's catalog and templates, scaffolder with the ADR and
// StackPro modules, feature-flags backend on its embedded provider) on a
// fresh database bench_templates_<time> (dropped at the end, whatever
// happens), publishing into a temporary folder. Then, --runs times, as an
// engineer:
//   1. the dry run (POST /v2/dry-run with the skeleton): the reference;
//   2. the real run (POST /v2/tasks, to completion), a new name each time;
// and reports the p50 of each step of the real run (from the task's own event
// times), the end-to-end times and the ratio real / dry run.
// Prints the table and one line RESULT {...}. Exit code 1 when a target fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { parse } from 'yaml';
import {
  ENGINEER,
  REPO_ROOT,
  directoryContents,
  startPortal,
} from '../plugins/scaffolder-backend-module-stackpro/src/__testUtils__/portal';
import {
  dropDatabases,
  fmt,
  load,
  log,
  machine,
  now,
  percentile,
  pgClient,
  PG,
  treeState,
} from './lib.mjs';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find(a => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const RUNS = arg('runs', 5);
/** Targets: the whole task on the embedded default, and what a dry run may cost against it. */
const TARGET_REAL_P50_MS = 15_000;
const TARGET_DRY_RATIO_MAX = 1;

const values = (name: string) => ({
  name,
  title: `StackPro ${name}`,
  description: `Bench capability ${name}.`,
  owner: 'group:default/team-ai',
  stack: 'system:default/ai-stack',
  endpoints: [
    { method: 'GET', path: '/v1/documents' },
    { method: 'POST', path: '/v1/documents' },
    { method: 'GET', path: '/v1/documents/{id}' },
  ],
  destination: 'local',
});

async function main() {
  log(
    `templates benchmark on ${machine()}, load ${load()}, tree ${treeState()}`,
  );
  const prefix = `bench_templates_${Date.now()}`;
  const clients: Knex[] = [];
  // a database per plugin, as the backend has on PostgreSQL
  const database = async (pluginId: string) => {
    const name = `${prefix}_${pluginId.replace(/\W/g, '_')}`;
    const admin = await pgClient();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const knex = knexFactory({
      client: 'pg',
      connection: { ...PG, database: name },
    });
    clients.push(knex);
    return knex;
  };
  const repositories = fs.mkdtempSync(
    path.join(os.tmpdir(), 'bench-templates-'),
  );
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  try {
    const t0 = now();
    portal = await startPortal({ database, repositories });
    log(`backend and catalog ready in ${fmt(now() - t0, 0)}`);
    const auth = portal.as(ENGINEER);
    const template = parse(
      fs.readFileSync(
        path.join(REPO_ROOT, 'templates/new-capability/template.yaml'),
        'utf8',
      ),
    );
    const contents = await directoryContents(
      path.join(REPO_ROOT, 'templates/new-capability/skeleton'),
    );

    const dry: number[] = [];
    const real: number[] = [];
    const steps = new Map<string, number[]>();
    for (let i = 0; i < RUNS; i++) {
      const name = `bench${Date.now().toString(36)}${i}`;
      let t = now();
      const d = await request(portal.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', auth)
        .send({ template, values: values(name), directoryContents: contents });
      if (d.status !== 200)
        throw new Error(
          `dry run: ${d.status} ${JSON.stringify(d.body).slice(0, 300)}`,
        );
      dry.push(now() - t);

      t = now();
      const created = await request(portal.server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', auth)
        .send({
          templateRef: 'template:default/new-capability',
          values: values(name),
        });
      const id = created.body.id;
      let task: any;
      for (;;) {
        task = (
          await request(portal.server)
            .get(`/api/scaffolder/v2/tasks/${id}`)
            .set('Authorization', auth)
        ).body;
        if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
        await new Promise(r => setTimeout(r, 50));
      }
      real.push(now() - t);
      if (task.status !== 'completed')
        throw new Error(`task ${id} ${task.status}`);
      const events = (
        await request(portal.server)
          .get(`/api/scaffolder/v2/tasks/${id}/events`)
          .set('Authorization', auth)
      ).body as Array<{
        type: string;
        createdAt: string;
        body: { stepId?: string; status?: string };
      }>;
      const started = new Map<string, number>();
      for (const e of events) {
        if (e.type !== 'log' || !e.body.stepId) continue;
        const at = Date.parse(e.createdAt);
        if (e.body.status === 'processing' && !started.has(e.body.stepId))
          started.set(e.body.stepId, at);
        if (e.body.status === 'completed' && started.has(e.body.stepId)) {
          steps.set(e.body.stepId, [
            ...(steps.get(e.body.stepId) ?? []),
            at - started.get(e.body.stepId)!,
          ]);
        }
      }
      log(
        `run ${i + 1}/${RUNS}: dry ${fmt(dry[i], 0)}, real ${fmt(real[i], 0)}`,
      );
    }

    const p50 = (v: number[]) => percentile(v, 50);
    const rows: Array<[string, string]> = [...steps.entries()].map(
      ([step, times]) => [`  step ${step}`, fmt(p50(times), 0)],
    );
    const ratio = p50(dry) / p50(real);
    console.log(
      `\nNew capability on PostgreSQL (p50 of ${RUNS}; load ${load()})`,
    );
    console.log('| figure | time |\n| --- | --- |');
    for (const [k, v] of [
      ['dry run (reference)', fmt(p50(dry), 0)] as [string, string],
      ['real run, end to end', fmt(p50(real), 0)] as [string, string],
      ...rows,
      ['dry / real', ratio.toFixed(2)] as [string, string],
    ]) {
      console.log(`| ${k} | ${v} |`);
    }
    const ok = p50(real) <= TARGET_REAL_P50_MS && ratio <= TARGET_DRY_RATIO_MAX;
    console.log(
      `RESULT ${JSON.stringify({
        bench: 'templates',
        runs: RUNS,
        dryP50Ms: Math.round(p50(dry)),
        realP50Ms: Math.round(p50(real)),
        steps: Object.fromEntries(
          [...steps.entries()].map(([s, t]) => [s, Math.round(p50(t))]),
        ),
        dryOverReal: Number(ratio.toFixed(3)),
        targets: {
          realP50Ms: TARGET_REAL_P50_MS,
          dryOverRealMax: TARGET_DRY_RATIO_MAX,
        },
        ok,
      })}`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await portal?.backend.stop().catch(() => {});
    // the clients stay open (a plugin's timer may still query); the databases are dropped WITH (FORCE)
    void clients;
    fs.rmSync(repositories, { recursive: true, force: true });
    await dropDatabases('bench_templates_');
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  error => {
    console.error(error);
    dropDatabases('bench_templates_').finally(() => process.exit(1));
  },
);
