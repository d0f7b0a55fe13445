import {
  AuditActor,
  AuditEvent,
} from '@internal/backstage-plugin-audit-log-common';

/** Who acted, as a report names them: the person, `erased:<id>`, a service, or nobody signed in. */
export function actorName(actor: AuditActor | undefined): string {
  if (!actor) return '';
  if (actor.erased) return `erased:${actor.subjectId ?? 'unknown'}`;
  if (actor.type === 'none') return 'not signed in';
  return actor.ref ?? actor.subjectId ?? actor.type;
}

/** The person behind an event: the real actor of an impersonation, else the actor. */
export function personOf(event: AuditEvent): string {
  return actorName(event.realActor ?? event.actor);
}

export function metaString(
  event: AuditEvent | undefined,
  key: string,
): string | undefined {
  const value = event?.meta?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Milliseconds between two ISO times, or undefined. */
export function between(
  from: string | undefined,
  to: string | undefined,
): number | undefined {
  if (!from || !to) return undefined;
  return new Date(to).getTime() - new Date(from).getTime();
}

/** "3 min 12 s", "1 h 5 min", "2 d 4 h"; empty when unknown. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** An audited action: its `initiated` event and the outcome that completes it. */
export interface ActionPair {
  initiated?: AuditEvent;
  outcome?: AuditEvent;
}

/** Pairs events by correlation id, in the order their first event came. */
export class Pairs {
  private readonly byId = new Map<string, ActionPair>();

  add(event: AuditEvent) {
    const pair = this.byId.get(event.correlationId) ?? {};
    if (event.outcome === 'initiated') pair.initiated = event;
    else pair.outcome = event;
    this.byId.set(event.correlationId, pair);
  }

  all(): ActionPair[] {
    return [...this.byId.values()];
  }

  /** The completed (succeeded) actions. */
  succeeded(): Array<ActionPair & { outcome: AuditEvent }> {
    return this.all().filter(
      (p): p is ActionPair & { outcome: AuditEvent } =>
        p.outcome?.outcome === 'succeeded',
    );
  }
}

/** Meta of an action: the initiated event's, overlaid by the outcome's. */
export function pairMeta(pair: ActionPair, key: string): string | undefined {
  return metaString(pair.outcome, key) ?? metaString(pair.initiated, key);
}

/** When an action was asked for (its initiated event), else when it completed. */
export function pairTime(pair: ActionPair): string {
  return (pair.initiated ?? pair.outcome)!.timestamp;
}
