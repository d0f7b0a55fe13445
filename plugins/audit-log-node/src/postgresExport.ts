import { Knex } from 'knex';
import { Client, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ExportPage } from './AuditStore';
import { CopyCsvWriter } from './copy/CopyCsvWriter';
import { CopyNdjsonWriter } from './copy/CopyNdjsonWriter';
import { EXPORT_COLUMNS } from './exportFormats';

/**
 * A query's SQL with its bindings written in as literals: COPY takes no
 * parameters. Only strings (quoted by pg's escapeLiteral) and finite numbers
 * are accepted; anything else is refused rather than guessed at.
 */
export function inlineBindings(
  sql: string,
  bindings: readonly unknown[],
): string {
  return sql.replace(/\$(\d+)/g, (_match, index: string) => {
    const value = bindings[Number(index) - 1];
    if (typeof value === 'number' && Number.isFinite(value))
      return String(value);
    if (typeof value === 'string') return escapeLiteral(value);
    throw new Error(
      `Cannot write a ${typeof value} binding into a COPY statement`,
    );
  });
}

/**
 * An export read with one `COPY (SELECT ...) TO STDOUT WITH (FORMAT binary)`
 * on a connection of its own, in one REPEATABLE READ snapshot, so the rows,
 * the people behind their pseudonyms, the count and the first and last
 * sequence numbers agree whatever is appended or erased meanwhile. The
 * stored bytes become CSV or NDJSON records here (copy/)
 * while PostgreSQL reads the next rows: the database does no more than a
 * plain COPY, and the export keeps both cores busy. Node passes each chunk
 * on as it comes, with back-pressure: memory stays flat whatever the size.
 * A reader that stops early ends the connection, which ends the COPY;
 * nothing is written anywhere.
 */
export async function* postgresExport(
  db: Knex,
  filtered: Knex.QueryBuilder,
  format: 'csv' | 'ndjson',
): AsyncGenerator<ExportPage> {
  const native = filtered.toSQL().toNative();
  const where = inlineBindings(native.sql, native.bindings as unknown[]);
  const client = new Client(db.client.connectionSettings);
  await client.connect();
  let finished = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: people } = await client.query<{
      subject_id: string;
      entity_ref: string;
    }>(
      'SELECT subject_id, entity_ref FROM audit_subjects WHERE entity_ref IS NOT NULL',
    );
    const entries = people.map(
      p => [p.subject_id, p.entity_ref] as [string, string],
    );
    const writer =
      format === 'csv'
        ? new CopyCsvWriter(entries)
        : new CopyNdjsonWriter(entries);
    const columns = EXPORT_COLUMNS.map(c => `e.${c}`).join(', ');
    const copy = client.query(
      copyTo(
        `COPY (SELECT ${columns} FROM (${where}) e ORDER BY e.seq) TO STDOUT WITH (FORMAT binary)`,
      ),
    );
    for await (const chunk of copy) {
      const data = writer.push(chunk as Buffer);
      if (data.length) yield { data, rowCount: 0 };
    }
    if (!writer.finished)
      throw new Error('The COPY of the export ended before its last row');
    await client.query('COMMIT');
    finished = true;
    yield {
      data: '',
      rowCount: writer.rows,
      firstSeq: writer.firstSeq,
      lastSeq: writer.lastSeq,
    };
  } finally {
    if (finished) {
      await client.end();
    } else {
      // a COPY cut short: the connection goes, and the COPY with it
      (
        client as unknown as { connection: { stream: { destroy(): void } } }
      ).connection.stream.destroy();
      await client.end().catch(() => undefined);
    }
  }
}
