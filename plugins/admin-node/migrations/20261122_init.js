// @ts-check

/**
 * The admin console's state: impersonation sessions (kept after they end, so
 * the console can list recent ones) and settings such as maintenance mode.
 * Times are epoch milliseconds, identical on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('admin_impersonation_sessions', table => {
    table.string('id', 64).primary().notNullable();
    table.text('admin_ref').notNullable();
    table.text('target_ref').notNullable();
    table.text('reason').notNullable();
    table.text('ticket');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('ended_at');
    table.text('ended_by');
    table.string('status', 10).notNullable();
    table.boolean('allow_writes').notNullable().defaultTo(false);
    table.index(['status', 'expires_at'], 'admin_impersonation_status_idx');
    table.index(['admin_ref', 'status'], 'admin_impersonation_admin_idx');
  });
  await knex.schema.createTable('admin_settings', table => {
    table.string('key', 100).primary().notNullable();
    table.text('value').notNullable();
    table.text('updated_by');
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('admin_settings');
  await knex.schema.dropTable('admin_impersonation_sessions');
};
