import { Knex } from 'knex';
import { AuditEventInput } from '../AuditStore';
import { EventRow, isPostgres, RETENTION_CHECKPOINT_ACTION } from './rows';

/**
 * Retention: the only deletion audit_events allows (its triggers refuse
 * every other), announced by a checkpoint event that names the last purged
 * event's hash, so the remaining chain still verifies.
 */
export class Retention {
  constructor(
    private readonly db: Knex,
    /** Records the checkpoint event the way every audit event is recorded. */
    private readonly record: (input: AuditEventInput) => Promise<unknown>,
  ) {}

  /** Deletes the events older than the cutoff, after appending their checkpoint. */
  async purgeBefore(
    cutoff: Date,
  ): Promise<{ purged: number; throughSeq?: number }> {
    const cutoffIso = cutoff.toISOString();
    const last = await this.db<EventRow>('audit_events')
      .where('ts', '<', cutoffIso)
      .orderBy('seq', 'desc')
      .first();
    if (!last) return { purged: 0 };
    const throughSeq = Number(last.seq);
    // never purge the newest event: the chain needs a stored anchor
    const newest = await this.db('audit_chain_head').where({ id: 1 }).first();
    if (Number(newest.seq) === throughSeq) return { purged: 0 };
    // the checkpoint first, so no moment exists where the start is unexplained
    await this.record({
      actor: { type: 'service', ref: 'plugin:audit-log' },
      plugin: 'audit-log',
      action: RETENTION_CHECKPOINT_ACTION,
      severity: 'medium',
      outcome: 'succeeded',
      meta: {
        purgedThroughSeq: throughSeq,
        purgedThroughHash: last.hash,
        cutoff: cutoffIso,
      },
    });
    const purged: number = await this.db.transaction(async tx => {
      if (isPostgres(this.db)) {
        await tx.raw(`SET LOCAL audit_log.retention = 'on'`);
        return Number(
          await tx('audit_events').where('seq', '<=', throughSeq).delete(),
        );
      }
      await tx.raw('DROP TRIGGER audit_events_no_delete');
      const n = Number(
        await tx('audit_events').where('seq', '<=', throughSeq).delete(),
      );
      await tx.raw(`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`);
      return n;
    });
    return { purged, throughSeq };
  }
}
