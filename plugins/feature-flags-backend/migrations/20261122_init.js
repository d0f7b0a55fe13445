// @ts-check

/**
 * The feature-flags store: the embedded (local) provider's flags and their
 * per-environment state, the record of who changed which flag through the
 * portal (for either provider), and the change requests of protected environments.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('feature_flags', table => {
    table.string('project', 100).notNullable();
    table.string('name', 100).notNullable();
    table.text('description').notNullable().defaultTo('');
    table.string('type', 40).notNullable().defaultTo('release');
    table.boolean('stale').notNullable().defaultTo(false);
    table.boolean('impression_data').notNullable().defaultTo(false);
    // JSON array of { type, value }
    table.text('tags').notNullable().defaultTo('[]');
    table.string('created_at', 24).notNullable();
    table.text('created_by');
    table.string('archived_at', 24);
    table.primary(['project', 'name']);
  });
  await knex.schema.createTable('feature_flag_environments', table => {
    table.string('project', 100).notNullable();
    table.string('flag', 100).notNullable();
    table.string('environment', 100).notNullable();
    table.boolean('enabled').notNullable().defaultTo(false);
    // JSON arrays in Unleash's shapes
    table.text('strategies').notNullable().defaultTo('[]');
    table.text('variants').notNullable().defaultTo('[]');
    table.primary(['project', 'flag', 'environment']);
  });
  await knex.schema.createTable('feature_flag_changes', table => {
    table.increments('id');
    table.string('provider', 20).notNullable();
    table.string('project', 100).notNullable();
    table.string('flag', 100).notNullable();
    table.string('environment', 100);
    table.string('action', 60).notNullable();
    table.text('actor').notNullable();
    table.string('at', 24).notNullable();
    table.text('summary').notNullable();
    table.index(
      ['provider', 'project', 'flag'],
      'feature_flag_changes_flag_idx',
    );
  });
  await knex.schema.createTable('feature_flag_change_requests', table => {
    table.string('id', 36).primary();
    table.string('provider', 20).notNullable();
    table.string('project', 100).notNullable();
    table.string('flag', 100).notNullable();
    table.string('environment', 100).notNullable();
    table.boolean('enabled').notNullable();
    table.text('reason').notNullable();
    table.string('status', 20).notNullable();
    table.text('requested_by').notNullable();
    table.string('requested_at', 24).notNullable();
    table.text('decided_by');
    table.string('decided_at', 24);
    table.text('decision_comment');
    table.text('error');
    // one pending request per flag and environment: a double click cannot open two
    table.string('pending_key', 250).unique();
    table.index(['status'], 'feature_flag_change_requests_status_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('feature_flag_change_requests');
  await knex.schema.dropTable('feature_flag_changes');
  await knex.schema.dropTable('feature_flag_environments');
  await knex.schema.dropTable('feature_flags');
};
