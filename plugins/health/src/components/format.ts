import { ProbeStatus } from '@internal/backstage-plugin-health-common';

const PERCENT = 100;

export function percent(ratio: number | undefined, digits = 2): string {
  if (ratio === undefined) return '–';
  return `${(ratio * PERCENT).toFixed(digits)} %`;
}

export function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}

export function when(at: number | undefined): string {
  if (at === undefined) return '–';
  return new Date(at).toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}

export function time(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  });
}

export const STATUS_LABELS: Record<ProbeStatus, string> = {
  up: 'Up',
  degraded: 'Degraded',
  down: 'Down',
  disabled: 'Disabled',
};

export const STATUS_COLORS: Record<ProbeStatus | 'none', string> = {
  up: '#2e7d32',
  degraded: '#ed6c02',
  down: '#d32f2f',
  disabled: '#757575',
  none: '#bdbdbd',
};

/** `/catalog/<ns>/<kind>/<name>/health` of an entity ref. */
export function healthTabPath(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind}/${name}/health`;
}
