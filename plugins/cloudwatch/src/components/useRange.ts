import {
  DEFAULT_METRIC_RANGE,
  METRIC_RANGE_NAMES,
  MetricRange,
} from '@internal/backstage-plugin-cloudwatch-common';
import { useSearchParams } from 'react-router-dom';

/** The range of a view, kept in the URL (`?range=7d`) so a link shows the same. */
export function useRange(
  fallback: MetricRange = DEFAULT_METRIC_RANGE,
): [MetricRange, (range: MetricRange) => void] {
  const [params, setParams] = useSearchParams();
  const given = params.get('range');
  const range = METRIC_RANGE_NAMES.includes(given as MetricRange)
    ? (given as MetricRange)
    : fallback;
  const setRange = (next: MetricRange) => {
    const updated = new URLSearchParams(params);
    updated.set('range', next);
    setParams(updated, { replace: true });
  };
  return [range, setRange];
}
