import {
  AuditActor,
  AuditEventFilter,
  Outcome,
  Severity,
} from '@internal/backstage-plugin-audit-log-common';

export const SEVERITY_LABELS: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** Bar and chip colours, light to dark with the severity. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  low: '#78909c',
  medium: '#f9a825',
  high: '#ef6c00',
  critical: '#c62828',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  initiated: 'Initiated',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** `2026-11-22 14:03:07 UTC`: audit times are read in UTC, whatever the browser's zone. */
export function formatUtc(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The browser's local time, for a tooltip next to the UTC time. */
export function formatLocal(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

const numberFormat = new Intl.NumberFormat('en-US');
export const formatNumber = (n: number) => numberFormat.format(n);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** How an actor reads in the log: the ref, or what stands in for it. */
export function actorLabel(actor: AuditActor | undefined): string {
  if (!actor) return '';
  if (actor.erased) {
    return actor.subjectId
      ? `Erased person (${actor.subjectId})`
      : 'Erased person';
  }
  if (actor.type === 'none') return 'Nobody signed in';
  return actor.ref ?? actor.subjectId ?? 'Unknown';
}

/** A full entity ref (`kind:namespace/name`), safe to link to the catalog. */
export function isFullEntityRef(value: string | undefined): value is string {
  return !!value && /^[a-z][a-z0-9-]*:[a-z0-9._-]+\/[a-z0-9._-]+$/i.test(value);
}

/** The kinds the catalog holds: a ref of one of them opens an entity page. */
const CATALOG_KINDS = new Set([
  'api',
  'component',
  'domain',
  'group',
  'location',
  'resource',
  'system',
  'template',
  'user',
]);

/** Where an event's target can be seen in the portal. */
export type TargetPage =
  | { kind: 'entity' }
  | { kind: 'page'; href: string; label: string; title: string };

/**
 * The page a target opens: a catalog entity's page, or a flag's dialog on the
 * Flags page (`feature-flag:<project>/<flag>`, as the flags backend names
 * them); none for what has no page of its own (a uid, a session id).
 */
export function targetPage(target: string | undefined): TargetPage | undefined {
  if (!target) return undefined;
  if (
    isFullEntityRef(target) &&
    CATALOG_KINDS.has(target.slice(0, target.indexOf(':')).toLowerCase())
  ) {
    return { kind: 'entity' };
  }
  const flag = /^feature-flag:([^/]+)\/(.+)$/.exec(target);
  if (flag) {
    const [, project, name] = flag;
    return {
      kind: 'page',
      href: `/feature-flags?flag=${encodeURIComponent(`${project}/${name}`)}`,
      label: name,
      title: `Flag ${name} (project ${project}) on the Flags page`,
    };
  }
  return undefined;
}

/** The filters that apply, as label and value, for people to read. */
export function describeFilter(
  filter: AuditEventFilter,
): Array<{ label: string; value: string }> {
  const parts: Array<{ label: string; value: string }> = [];
  if (filter.actor) parts.push({ label: 'Actor', value: filter.actor });
  if (filter.action?.length)
    parts.push({ label: 'Action', value: filter.action.join(', ') });
  if (filter.plugin?.length)
    parts.push({ label: 'Plugin', value: filter.plugin.join(', ') });
  if (filter.severity?.length)
    parts.push({
      label: 'Severity',
      value: filter.severity.map(s => SEVERITY_LABELS[s]).join(', '),
    });
  if (filter.outcome?.length)
    parts.push({
      label: 'Outcome',
      value: filter.outcome.map(o => OUTCOME_LABELS[o]).join(', '),
    });
  if (filter.target?.length) {
    parts.push({
      label: 'Target',
      value: ([] as string[]).concat(filter.target).join(', '),
    });
  }
  if (filter.from) parts.push({ label: 'From', value: formatUtc(filter.from) });
  if (filter.to) parts.push({ label: 'Until', value: formatUtc(filter.to) });
  if (filter.q) parts.push({ label: 'Text', value: filter.q });
  return parts;
}
