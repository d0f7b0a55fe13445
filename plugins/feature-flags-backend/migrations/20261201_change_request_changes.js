// @ts-check

/**
 * Change requests for every change to a protected environment, not only
 * toggles: what kind of change, exactly what it applies (JSON), its diff and
 * summary as shown to the approver, and the fingerprint of the state it
 * changes, compared again on approval (a request whose flag changed meanwhile
 * is stale). Rows from before keep `kind` toggle and their `enabled`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('feature_flag_change_requests', table => {
    table.string('kind', 20).notNullable().defaultTo('toggle');
    table.text('change');
    table.text('diff');
    table.text('summary');
    table.string('fingerprint', 64);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('feature_flag_change_requests', table => {
    table.dropColumn('fingerprint');
    table.dropColumn('summary');
    table.dropColumn('diff');
    table.dropColumn('change');
    table.dropColumn('kind');
  });
};
