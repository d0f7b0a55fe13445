import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { STATUS_LABELS } from '@internal/backstage-plugin-support-common';
import { SlaCrossing } from '../sla/clocks';
import { TicketRecord } from '../store/TicketStore';

const CLOCK_LABELS = { response: 'first response', resolution: 'resolution' };

/**
 * Tells people about tickets through Backstage notifications: the queue of a
 * new ticket, an assignee, the requester and watchers of an answer or a
 * status change; SLA warnings and breaches go to the assignee and the
 * owning group, breaches also to the support role. A failure to notify is
 * logged, never a failed action.
 */
export class Notifier {
  private constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
    private readonly supportRefs: string[],
    private readonly baseUrl: string,
  ) {}

  static create(options: {
    notifications: NotificationService;
    logger: LoggerService;
    /** The groups of the support role (`stackPortal.roles.support`). */
    supportRefs: string[];
  }): Notifier {
    return new Notifier(
      options.notifications,
      options.logger,
      options.supportRefs,
      '/support/tickets',
    );
  }

  private link(ticket: TicketRecord) {
    return `${this.baseUrl}/${ticket.id}`;
  }

  private async send(
    recipients: Array<string | undefined>,
    exclude: string | undefined,
    ticket: TicketRecord,
    payload: {
      title: string;
      description: string;
      severity?: 'critical' | 'high' | 'normal' | 'low';
      topic: string;
    },
  ) {
    const entityRef = [
      ...new Set(recipients.filter((r): r is string => !!r)),
    ].filter(r => r !== exclude);
    if (!entityRef.length) return;
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef, excludeEntityRef: exclude },
        payload: {
          ...payload,
          link: this.link(ticket),
          scope: `support-ticket:${ticket.id}:${payload.topic}`,
        },
      });
    } catch (e) {
      this.logger.warn(
        `Could not notify about ticket #${ticket.id}: ${(e as Error).message}`,
      );
    }
  }

  async raised(ticket: TicketRecord) {
    await this.send([ticket.queueRef], ticket.requesterRef, ticket, {
      title: `New ${ticket.priority} ${ticket.type} #${ticket.id}: ${ticket.title}`,
      description: `Raised against ${
        ticket.entityTitle ?? ticket.entityRef
      } by ${ticket.requesterRef}.`,
      severity: ticket.priority === 'P1' ? 'high' : 'normal',
      topic: 'support-ticket-raised',
    });
  }

  async assigned(ticket: TicketRecord, by: string) {
    await this.send([ticket.assigneeRef], by, ticket, {
      title: `Ticket #${ticket.id} is assigned to you`,
      description: `${ticket.priority} ${ticket.type} on ${
        ticket.entityTitle ?? ticket.entityRef
      }: ${ticket.title}`,
      topic: 'support-ticket-assigned',
    });
  }

  async statusChanged(ticket: TicketRecord, watchers: string[], by: string) {
    await this.send(
      [ticket.requesterRef, ticket.assigneeRef, ...watchers],
      by,
      ticket,
      {
        title: `Ticket #${ticket.id} is ${STATUS_LABELS[
          ticket.status
        ].toLocaleLowerCase('en-US')}`,
        description: ticket.title,
        topic: 'support-ticket-status',
      },
    );
  }

  async commented(
    ticket: TicketRecord,
    watchers: string[],
    by: string,
    internal: boolean,
  ) {
    const recipients = internal
      ? [ticket.assigneeRef, ticket.queueRef]
      : [ticket.requesterRef, ticket.assigneeRef, ...watchers];
    await this.send(recipients, by, ticket, {
      title: `${internal ? 'Internal note' : 'New comment'} on ticket #${
        ticket.id
      }`,
      description: `${by} on "${ticket.title}"`,
      topic: internal ? 'support-ticket-note' : 'support-ticket-comment',
    });
  }

  async slaCrossed(ticket: TicketRecord, crossing: SlaCrossing) {
    const what = CLOCK_LABELS[crossing.clock];
    const due = ticket.sla[crossing.clock].dueAt;
    const dueAt = due
      ? `at ${new Date(due).toISOString().slice(11, 16)} UTC`
      : 'soon';
    if (crossing.kind === 'warning') {
      await this.send(
        [ticket.assigneeRef, ticket.queueRef],
        undefined,
        ticket,
        {
          title: `SLA warning: ${ticket.priority} ticket #${ticket.id} ${what} due ${dueAt}`,
          description: `${ticket.title} (${
            ticket.entityTitle ?? ticket.entityRef
          }) has used its warning share of the ${what} target.`,
          severity: 'high',
          topic: 'support-sla-warning',
        },
      );
      return;
    }
    await this.send(
      [ticket.assigneeRef, ticket.queueRef, ...this.supportRefs],
      undefined,
      ticket,
      {
        title: `SLA breached: ${ticket.priority} ticket #${ticket.id} missed its ${what} target`,
        description: `${ticket.title} (${
          ticket.entityTitle ?? ticket.entityRef
        }), queue ${ticket.queueRef}. Escalated to the support role.`,
        severity: 'critical',
        topic: 'support-sla-breach',
      },
    );
  }
}
