// @ts-check

/**
 * Audit reports: stored once, never changed. A later report of the same
 * framework and period names the one it supersedes; the earlier row stays.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('audit_reports', table => {
    table.string('report_id', 26).primary().notNullable();
    table.string('framework', 100).notNullable();
    table.string('period_from', 24).notNullable();
    table.string('period_to', 24).notNullable();
    table.text('period_label').notNullable();
    table.text('title').notNullable();
    table.string('created_at', 24).notNullable();
    table.text('created_by').notNullable();
    table.boolean('scheduled').notNullable().defaultTo(false);
    table.string('supersedes', 26);
    table.text('manifest').notNullable();
    table.index(['framework', 'period_from'], 'audit_reports_period_idx');
    table.index(['created_at'], 'audit_reports_created_idx');
  });
  await knex.schema.createTable('audit_report_files', table => {
    table
      .string('report_id', 26)
      .notNullable()
      .references('report_id')
      .inTable('audit_reports');
    table.string('name', 200).notNullable();
    table.string('content_type', 100).notNullable();
    table.binary('content').notNullable();
    table.primary(['report_id', 'name']);
  });
  const tables = ['audit_reports', 'audit_report_files'];
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE OR REPLACE FUNCTION audit_reports_immutable() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'audit reports are immutable: % refused on %', TG_OP, TG_TABLE_NAME;
      END;
      $$ LANGUAGE plpgsql`);
    for (const t of tables) {
      await knex.raw(`CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t}
        FOR EACH ROW EXECUTE FUNCTION audit_reports_immutable()`);
      await knex.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_reports_immutable()`);
    }
  } else {
    for (const t of tables) {
      await knex.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t}
        BEGIN SELECT RAISE(ABORT, 'audit reports are immutable: UPDATE refused'); END`);
      await knex.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t}
        BEGIN SELECT RAISE(ABORT, 'audit reports are immutable: DELETE refused'); END`);
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_report_files');
  await knex.schema.dropTable('audit_reports');
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP FUNCTION IF EXISTS audit_reports_immutable()');
  }
};
