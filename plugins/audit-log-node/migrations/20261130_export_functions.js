// @ts-check

/**
 * PostgreSQL writes large exports itself (COPY ... TO STDOUT), so the one
 * step of an export row that is not plain column arithmetic lives here:
 * stored meta with the pseudonyms of people not erased replaced by their
 * entity refs, exactly as exportFormats.ts revealMeta does in Node. Nothing
 * to do on SQLite, which exports through Node.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    CREATE OR REPLACE FUNCTION audit_reveal_meta(meta text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
    DECLARE
      found text[];
      person text;
      revealed text := meta;
    BEGIN
      IF meta IS NULL OR strpos(meta, '"subject:') = 0 THEN
        RETURN meta;
      END IF;
      FOR found IN SELECT regexp_matches(meta, '"subject:([0-9a-f-]{36})"', 'g') LOOP
        SELECT s.entity_ref INTO person FROM audit_subjects s WHERE s.subject_id = found[1];
        IF person IS NOT NULL THEN
          revealed := replace(revealed, '"subject:' || found[1] || '"', to_json(person)::text);
        END IF;
      END LOOP;
      RETURN revealed;
    END
    $$`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('DROP FUNCTION IF EXISTS audit_reveal_meta(text)');
};
