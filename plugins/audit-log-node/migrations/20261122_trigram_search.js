// @ts-check

/**
 * Free-text search (the `q` filter: ILIKE '%text%' over meta, action,
 * target, error and path) on PostgreSQL through pg_trgm GIN indexes, so that
 * it no longer reads the whole table. Where the extension cannot be created
 * (a role without the privilege), the migration still succeeds and search
 * keeps working, only slower. Nothing to do on SQLite.
 */

const COLUMNS = ['meta', 'action', 'target', 'error', 'path'];
const indexName = (/** @type {string} */ column) =>
  `audit_events_${column}_trgm_idx`;

// CREATE INDEX CONCURRENTLY cannot run in a transaction; it lets the auditor
// keep appending while the indexes of a large log are built
exports.config = { transaction: false };

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    DO $$
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'audit log: pg_trgm not available (%), free-text search stays unindexed', SQLERRM;
    END
    $$`);
  const { rows } = await knex.raw(
    `SELECT n.nspname AS schema FROM pg_extension e
     JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
  );
  if (!rows.length) return;
  // the operator class lives in the extension's schema, which need not be on
  // this plugin's search path
  const opclass = `${rows[0].schema}.gin_trgm_ops`;
  for (const column of COLUMNS) {
    // an interrupted CONCURRENTLY build leaves an invalid index behind
    const { rows: invalid } = await knex.raw(
      `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid`,
      [indexName(column)],
    );
    if (invalid.length)
      await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS ??', [
        indexName(column),
      ]);
    await knex.raw(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS ?? ON audit_events USING gin (?? ??)',
      [indexName(column), column, opclass],
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  for (const column of COLUMNS) {
    await knex.raw('DROP INDEX IF EXISTS ??', [indexName(column)]);
  }
};
