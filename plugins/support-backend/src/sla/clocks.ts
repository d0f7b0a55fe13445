import { SlaClock, TicketSla } from '@internal/backstage-plugin-support-common';
import { SlaPolicy } from './SlaPolicies';

/** One clock as the store keeps it (instants in epoch milliseconds). */
export interface ClockRecord {
  state: SlaClock['state'];
  dueAt?: number;
  warnAt?: number;
  metAt?: number;
  remainingMs?: number;
}

export type ClockName = 'response' | 'resolution';
export const CLOCK_NAMES: ClockName[] = ['response', 'resolution'];

/** A ticket's SLA as the store keeps it. */
export interface SlaRecord {
  policy?: string;
  createdAt: number;
  /** Set while the clocks are stopped (waiting on requester, resolved, closed). */
  pausedAt?: number;
  /** Business milliseconds spent paused before `pausedAt`. */
  pausedMs: number;
  response: ClockRecord;
  resolution: ClockRecord;
}

/** A warning or breach the SLA job found. */
export interface SlaCrossing {
  clock: ClockName;
  kind: 'warning' | 'breach';
}

function targetOf(policy: SlaPolicy, clock: ClockName): number | undefined {
  return clock === 'response' ? policy.firstResponseMs : policy.resolutionMs;
}

/** Business time the clocks have run since the ticket was raised. */
function elapsedOf(sla: SlaRecord, policy: SlaPolicy, now: number): number {
  const until = sla.pausedAt ?? now;
  return policy.calendar.between(sla.createdAt, until) - sla.pausedMs;
}

/**
 * The due and warning times of every clock not yet met, from the business
 * time elapsed under the ticket's (possibly new) policy. Warnings and
 * breaches already recorded stay: only the SLA job moves a clock forward,
 * so that each crossing is announced once.
 */
export function recompute(
  sla: SlaRecord,
  policy: SlaPolicy,
  warnFraction: number,
  now: number,
): SlaRecord {
  const elapsed = elapsedOf(sla, policy, now);
  const next: SlaRecord = { ...sla, policy: policy.priority };
  for (const name of CLOCK_NAMES) {
    const clock = sla[name];
    const target = targetOf(policy, name);
    if (clock.state === 'met') continue;
    if (target === undefined) {
      next[name] = { state: clock.state === 'breached' ? 'breached' : 'none' };
      continue;
    }
    const remaining = target - elapsed;
    const state = clock.state === 'none' ? 'running' : clock.state;
    if (sla.pausedAt !== undefined) {
      next[name] = { state, remainingMs: Math.max(0, remaining) };
      continue;
    }
    const warnRemaining = target * warnFraction - elapsed;
    next[name] = {
      state,
      dueAt: remaining > 0 ? policy.calendar.add(now, remaining) : now,
      warnAt: warnRemaining > 0 ? policy.calendar.add(now, warnRemaining) : now,
    };
  }
  return next;
}

/** The clocks of a ticket raised now. */
export function startClocks(
  policy: SlaPolicy,
  warnFraction: number,
  now: number,
): SlaRecord {
  return recompute(
    {
      createdAt: now,
      pausedMs: 0,
      response: { state: 'none' },
      resolution: { state: 'none' },
    },
    policy,
    warnFraction,
    now,
  );
}

/** Stops the clocks (waiting on the requester, resolved, closed). */
export function pause(
  sla: SlaRecord,
  policy: SlaPolicy,
  warnFraction: number,
  now: number,
): SlaRecord {
  if (sla.pausedAt !== undefined) return sla;
  return recompute({ ...sla, pausedAt: now }, policy, warnFraction, now);
}

/** Starts the clocks again, the paused business time left out. */
export function resume(
  sla: SlaRecord,
  policy: SlaPolicy,
  warnFraction: number,
  now: number,
): SlaRecord {
  if (sla.pausedAt === undefined) return sla;
  const pausedMs = sla.pausedMs + policy.calendar.between(sla.pausedAt, now);
  return recompute(
    { ...sla, pausedAt: undefined, pausedMs },
    policy,
    warnFraction,
    now,
  );
}

/** A target reached: met, or still breached if it was late. */
export function meet(sla: SlaRecord, clock: ClockName, now: number): SlaRecord {
  const current = sla[clock];
  if (current.state === 'met' || current.metAt !== undefined) return sla;
  if (current.state === 'none') return sla;
  return {
    ...sla,
    [clock]: {
      state: current.state === 'breached' ? 'breached' : 'met',
      metAt: now,
    },
  };
}

/** A reopened ticket's resolution target runs again. */
export function unmeetResolution(sla: SlaRecord): SlaRecord {
  const clock = sla.resolution;
  if (clock.metAt === undefined) return sla;
  return {
    ...sla,
    resolution: { state: clock.state === 'breached' ? 'breached' : 'running' },
  };
}

function isRunning(clock: ClockRecord): boolean {
  return (
    (clock.state === 'running' || clock.state === 'warning') &&
    clock.metAt === undefined &&
    clock.dueAt !== undefined
  );
}

/** The earliest due time of a running target: what "time to breach" sorts by. */
export function nextBreachAt(sla: SlaRecord): number | undefined {
  const due = CLOCK_NAMES.map(n => sla[n])
    .filter(isRunning)
    .map(c => c.dueAt!);
  return due.length ? Math.min(...due) : undefined;
}

/** When the SLA job next has something to announce for this ticket. */
export function nextCheckAt(sla: SlaRecord): number | undefined {
  const times: number[] = [];
  for (const name of CLOCK_NAMES) {
    const clock = sla[name];
    if (!isRunning(clock)) continue;
    times.push(clock.state === 'running' ? clock.warnAt! : clock.dueAt!);
  }
  return times.length ? Math.min(...times) : undefined;
}

/** Moves the clocks past the times that have come; says what was crossed. */
export function advance(
  sla: SlaRecord,
  now: number,
): { sla: SlaRecord; crossings: SlaCrossing[] } {
  const crossings: SlaCrossing[] = [];
  const next = { ...sla };
  for (const name of CLOCK_NAMES) {
    const clock = sla[name];
    if (!isRunning(clock)) continue;
    if (now >= clock.dueAt! && clock.state !== 'breached') {
      next[name] = { ...clock, state: 'breached' };
      crossings.push({ clock: name, kind: 'breach' });
    } else if (clock.state === 'running' && now >= clock.warnAt!) {
      next[name] = { ...clock, state: 'warning' };
      crossings.push({ clock: name, kind: 'warning' });
    }
  }
  return { sla: next, crossings };
}

const iso = (ms?: number) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** The SLA as the API shows it. */
export function toTicketSla(sla: SlaRecord, calendar?: string): TicketSla {
  const view = (c: ClockRecord): SlaClock => ({
    state: c.state,
    dueAt: iso(c.dueAt),
    warnAt: iso(c.warnAt),
    metAt: iso(c.metAt),
    remainingMs: c.remainingMs,
  });
  return {
    policy: sla.policy,
    calendar,
    response: view(sla.response),
    resolution: view(sla.resolution),
    paused: sla.pausedAt !== undefined,
    nextBreachAt: iso(nextBreachAt(sla)),
  };
}
