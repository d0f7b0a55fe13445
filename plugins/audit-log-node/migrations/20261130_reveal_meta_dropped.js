// @ts-check

/**
 * Exports on PostgreSQL no longer reveal the pseudonyms inside meta in the
 * database: PostgreSQL reads the stored columns (one binary COPY) and Node
 * writes the records from their bytes (copyExportFormats.ts). The function
 * `audit_reveal_meta` of 20261130_export_functions.js has no caller left.
 * The row type `audit_chain_record` of that migration stays: verification
 * uses it. Nothing to do on SQLite.
 */

const exportFunctions = require('./20261130_export_functions.js');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('DROP FUNCTION IF EXISTS audit_reveal_meta(text, jsonb)');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // the state 20261130_export_functions.js left: the row type and the function
  await exportFunctions.down(knex);
  await exportFunctions.up(knex);
};
