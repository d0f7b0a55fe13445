import { ReactNode } from 'react';
import Typography from '@mui/material/Typography';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';

/** What a home widget shows while it loads, when it fails or has nothing. */
export function widgetState(options: {
  loading: boolean;
  error?: Error;
  errorTitle: string;
  empty: boolean;
  emptyText: string;
}): ReactNode | undefined {
  if (options.loading) return <Progress />;
  if (options.error) {
    return (
      <ResponseErrorPanel title={options.errorTitle} error={options.error} />
    );
  }
  if (options.empty) {
    return (
      <Typography variant="body2" color="text.secondary">
        {options.emptyText}
      </Typography>
    );
  }
  return undefined;
}

/** A date and time as people read it here: `2026-12-01 14:05 UTC`. */
export function formatUtcMinute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The name part of an entity ref (`user:default/eli.martin` -> `eli.martin`). */
export function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}
