import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { advance, SlaCrossing } from '../sla/clocks';
import { NewEvent, TicketRecord, TicketStore } from '../store/TicketStore';
import { Notifier } from './Notifier';

/** Tickets read per round of a run. */
const BATCH = 500;
/** Tickets named in one audit event (its meta stays well under the size limit). */
const AUDIT_CHUNK = 500;
export const SLA_ACTOR = 'system:sla';

export interface SlaRunResult {
  checked: number;
  warnings: number;
  breaches: number;
}

/**
 * The SLA job: finds the tickets whose warning point or due time has come,
 * moves their clocks (warning at 75 %, then breached), writes each crossing
 * into the ticket's history and the audit log, and notifies. A crossing is
 * written only if the ticket did not change meanwhile, so two runs (or two
 * replicas) never announce it twice; the scheduler runs it on one replica.
 */
export class SlaMonitor {
  private constructor(
    private readonly store: TicketStore,
    private readonly notifier: Notifier,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
    private readonly now: () => number,
  ) {}

  static create(options: {
    store: TicketStore;
    notifier: Notifier;
    auditor: AuditorService;
    logger: LoggerService;
    now?: () => number;
  }): SlaMonitor {
    return new SlaMonitor(
      options.store,
      options.notifier,
      options.auditor,
      options.logger,
      options.now ?? Date.now,
    );
  }

  async run(): Promise<SlaRunResult> {
    const now = this.now();
    const result: SlaRunResult = { checked: 0, warnings: 0, breaches: 0 };
    const crossed: Array<{ ticket: TicketRecord; crossings: SlaCrossing[] }> =
      [];
    for (;;) {
      const due = await this.store.dueForSla(now, BATCH);
      if (!due.length) break;
      result.checked += due.length;
      const moved = due.map(ticket => {
        const { sla, crossings } = advance(ticket.sla, now);
        const events: NewEvent[] = crossings.map(c => ({
          actorRef: SLA_ACTOR,
          kind: c.kind === 'breach' ? 'sla-breach' : 'sla-warning',
          to: c.clock,
        }));
        return { current: ticket, sla, events, crossings };
      });
      const applied = new Set(await this.store.applySla(moved, now));
      const progressed = applied.size;
      for (const m of moved) {
        if (applied.has(m.current.id) && m.crossings.length) {
          crossed.push({
            ticket: { ...m.current, sla: m.sla },
            crossings: m.crossings,
          });
        }
      }
      if (progressed === 0) break;
    }
    for (let i = 0; i < crossed.length; i += AUDIT_CHUNK) {
      await this.audit(crossed.slice(i, i + AUDIT_CHUNK));
    }
    for (const { ticket, crossings } of crossed) {
      for (const crossing of crossings) {
        if (crossing.kind === 'breach') result.breaches++;
        else result.warnings++;
        await this.notifier.slaCrossed(ticket, crossing);
      }
    }
    if (crossed.length) {
      this.logger.info(
        `SLA check: ${result.warnings} warning(s), ${result.breaches} breach(es) over ${result.checked} ticket(s)`,
      );
    }
    return result;
  }

  private async audit(
    batch: Array<{ ticket: TicketRecord; crossings: SlaCrossing[] }>,
  ) {
    const list = (kind: SlaCrossing['kind']) =>
      batch.flatMap(({ ticket, crossings }) =>
        crossings
          .filter(c => c.kind === kind)
          .map(
            c =>
              `#${ticket.id} ${c.clock} (${ticket.priority}, ${ticket.queueRef})`,
          ),
      );
    const breaches = list('breach');
    const event = await this.auditor.createEvent({
      eventId: 'sla-crossing',
      severityLevel: breaches.length ? 'high' : 'medium',
      meta: {
        target: batch.length === 1 ? batch[0].ticket.entityRef : undefined,
        warnings: list('warning'),
        breaches,
      },
    });
    await event.success();
  }
}
