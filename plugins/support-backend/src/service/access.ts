import {
  isOpenStatus,
  isReopen,
  TicketAccess,
  TicketStatus,
  TRANSITIONS,
} from '@internal/backstage-plugin-support-common';
import { TicketRecord } from '../store/TicketStore';

const DAY = 86_400_000;

/** Who is asking: their user ref, what they own through, and their role-level right. */
export interface Caller {
  userRef: string;
  ownershipRefs: string[];
  /** `support.ticket.manage`: the support role and admins. */
  canManageAll: boolean;
}

/** Members of the ticket's queue, the support role and admins work on it. */
export function isTeam(caller: Caller, ticket: TicketRecord): boolean {
  return (
    caller.canManageAll ||
    caller.ownershipRefs.includes(ticket.queueRef.toLocaleLowerCase('en-US'))
  );
}

export function isRequester(caller: Caller, ticket: TicketRecord): boolean {
  return caller.userRef === ticket.requesterRef;
}

/** Until when a finished ticket may be reopened. */
export function reopenUntil(
  ticket: TicketRecord,
  windowDays: number,
): number | undefined {
  const finishedAt = ticket.closedAt ?? ticket.resolvedAt;
  return finishedAt === undefined ? undefined : finishedAt + windowDays * DAY;
}

/**
 * Why the caller may not move the ticket to `to`, or undefined when they may.
 * The team moves a ticket anywhere the life cycle allows; the requester may
 * close their own ticket, answer (back to in progress) and reopen it.
 */
export function transitionRefusal(
  caller: Caller,
  ticket: TicketRecord,
  to: TicketStatus,
  options: { now: number; reopenWindowDays: number },
): string | undefined {
  const from = ticket.status;
  if (from === to) return `Ticket #${ticket.id} is already ${to}`;
  if (!TRANSITIONS[from].includes(to)) {
    return `A ${from} ticket cannot become ${to}; from ${from} it may become ${
      TRANSITIONS[from].join(', ') || 'nothing'
    }`;
  }
  const team = isTeam(caller, ticket);
  const requester = isRequester(caller, ticket);
  if (isReopen(from, to)) {
    if (!team && !requester) {
      return `Only the requester or the owning team may reopen ticket #${ticket.id}`;
    }
    const until = reopenUntil(ticket, options.reopenWindowDays);
    if (until !== undefined && options.now > until) {
      return `Ticket #${ticket.id} can no longer be reopened (the ${
        options.reopenWindowDays
      }-day window ended ${new Date(until).toISOString()}); raise a new ticket`;
    }
    return undefined;
  }
  if (team) return undefined;
  if (
    requester &&
    (to === 'closed' ||
      (from === 'waiting_on_requester' && to === 'in_progress'))
  ) {
    return undefined;
  }
  return `Only the owning team (${ticket.queueRef}), the support role or an admin may move ticket #${ticket.id} to ${to}`;
}

/** What the caller may do with a ticket, for the page (the server checks each again). */
export function accessOf(
  caller: Caller,
  ticket: TicketRecord,
  watchers: string[],
  options: { now: number; reopenWindowDays: number },
): TicketAccess {
  const team = isTeam(caller, ticket);
  const participant =
    team || isRequester(caller, ticket) || watchers.includes(caller.userRef);
  return {
    canComment: participant,
    canAddNote: team,
    canSeeNotes: team,
    canManage: team,
    canWatch: true,
    transitions: TRANSITIONS[ticket.status].filter(
      to => !transitionRefusal(caller, ticket, to, options),
    ),
    reopenUntil: isOpenStatus(ticket.status)
      ? undefined
      : new Date(reopenUntil(ticket, options.reopenWindowDays)!).toISOString(),
  };
}
