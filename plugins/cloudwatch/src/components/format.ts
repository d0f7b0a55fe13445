import { ResponseError } from '@backstage/errors';
import type { MetricUnit } from '@internal/backstage-plugin-cloudwatch-common';

const THOUSAND = 1000;
const MILLION = 1_000_000;

export function formatCount(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value >= MILLION) return `${(value / MILLION).toFixed(1)} M`;
  if (value >= 10 * THOUSAND) return `${(value / THOUSAND).toFixed(1)} k`;
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(value: number | undefined, digits = 2): string {
  if (value === undefined) return '–';
  return `${value.toFixed(digits)} %`;
}

export function formatMs(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= THOUSAND
    ? `${(value / THOUSAND).toFixed(2)} s`
    : `${Math.round(value)} ms`;
}

export function formatValue(value: number | undefined, unit: MetricUnit) {
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'milliseconds':
      return formatMs(value);
    case 'state':
      if (value === undefined) return '–';
      return value > 0 ? 'open' : 'closed';
    default:
      return formatCount(value);
  }
}

export function formatPeriod(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds / 60} min`;
}

/** What the backend said went wrong (its message), not only the status. */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error.message;
}

export function formatTime(ms: number, spanMs: number): string {
  const date = new Date(ms);
  const DAY_MS = 86_400_000;
  if (spanMs <= DAY_MS) {
    return date.toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
    });
  }
  return date.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
}
