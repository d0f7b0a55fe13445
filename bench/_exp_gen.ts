import knexFactory from 'knex';
import { createHash } from 'node:crypto';
import { DatabaseAuditStore } from '../plugins/audit-log-node/src/DatabaseAuditStore';
(async () => {
  const knex = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database: 'exp_audit' } });
  const store = await DatabaseAuditStore.create({ database: { getClient: async () => knex, migrations: { skip: true } } as any });
  for (const format of ['csv', 'ndjson'] as const) {
    const t = performance.now();
    const h = createHash('sha256');
    let bytes = 0, rows = 0;
    for await (const page of store.exportPages({}, format)) { h.update(page.data); bytes += page.data.length; rows += page.rowCount; }
    console.log(format, ((performance.now() - t) / 1000).toFixed(2), 's', rows, bytes);
  }
  await knex.destroy();
})();
