// @ts-check

/**
 * Every token the impersonation sign-in issues, known by its user identity
 * proof (a hash of the `uip` claim: the signature every limited form of the
 * token carries), so that a token of a session is recognised in every form
 * (full, limited, on behalf of a user, cookie) and dies with the session.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('admin_impersonation_tokens', table => {
    table.string('proof', 64).primary().notNullable();
    table
      .string('session_id', 64)
      .notNullable()
      .references('id')
      .inTable('admin_impersonation_sessions')
      .onDelete('CASCADE');
    table.bigInteger('issued_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.index(['expires_at'], 'admin_impersonation_tokens_expiry_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('admin_impersonation_tokens');
};
