import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { Freshness } from '@internal/backstage-plugin-feature-flags-common';

export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.round(m / 60)} h`;
}

/** Shown when the flags are the last good copy because Unleash is slow or down. */
export function DegradedBanner({ freshness }: { freshness?: Freshness }) {
  if (!freshness?.degraded) return null;
  return (
    <Alert severity="warning" data-testid="degraded-banner" sx={{ mb: 2 }}>
      <AlertTitle>
        Unleash is not answering: showing flags as they were{' '}
        {formatAge(freshness.ageMs)} ago
      </AlertTitle>
      {freshness.reason}. Changes are refused until Unleash is back; nothing you
      see here is lost.
    </Alert>
  );
}
