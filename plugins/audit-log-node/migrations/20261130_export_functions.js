// @ts-check

/**
 * What PostgreSQL needs to verify the chain and write exports itself:
 *
 * - `audit_chain_record`, a row type whose fields are the keys of an event's
 *   canonical JSON in their sorted order (chain.ts chainRecordJson), so that
 *   `row_to_json(ROW(...)::audit_chain_record)` writes that JSON byte for byte;
 * - `audit_reveal_meta(meta, people)`, stored meta with the pseudonyms of
 *   people not erased replaced by their entity refs, exactly as
 *   exportFormats.ts revealMeta does in Node (on meta as the store writes it:
 *   JSON). `people` maps subject ids to entity refs (built once per export).
 *
 * Nothing to do on SQLite, which verifies and exports in Node.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    CREATE TYPE audit_chain_record AS (
      action text, actor text, "actorType" text, "correlationId" text, error text,
      id text, ip text, meta text, "metaTruncated" boolean, method text,
      outcome text, path text, plugin text, "prevHash" text, "realActor" text,
      seq bigint, severity text, target text, ts text, "userAgent" text
    )`);
  // Each "subject:<36 characters>" in quotes whose id is a known person's
  // becomes the person's ref as JSON, left to right. (The JavaScript pattern
  // also asks for [0-9a-f-]; a known id is a UUID, so it holds.)
  await knex.raw(`
    CREATE FUNCTION audit_reveal_meta(meta text, people jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      revealed text := '';
      rest text := meta;
      at integer;
      person text;
    BEGIN
      LOOP
        at := strpos(rest, '"subject:');
        EXIT WHEN at = 0;
        person := CASE WHEN substr(rest, at + 45, 1) = '"' THEN people ->> substr(rest, at + 9, 36) END;
        IF person IS NULL THEN
          revealed := revealed || substr(rest, 1, at);
          rest := substr(rest, at + 1);
        ELSE
          revealed := revealed || substr(rest, 1, at - 1) || to_json(person)::text;
          rest := substr(rest, at + 46);
        END IF;
      END LOOP;
      RETURN revealed || rest;
    END
    $$`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('DROP FUNCTION IF EXISTS audit_reveal_meta(text, jsonb)');
  await knex.raw('DROP TYPE IF EXISTS audit_chain_record');
};
