import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import { useMemo } from 'react';
import {
  decodeUptime,
  EncodedUptime,
  UptimeDay,
} from '@internal/backstage-plugin-health-common';
import { percent, STATUS_COLORS } from './format';

const FULL = 1;
const GOOD = 0.999;

function colorOf(day: UptimeDay): string {
  if (day.availability === undefined) return STATUS_COLORS.none;
  if (day.availability < GOOD) return STATUS_COLORS.down;
  if (day.degraded || day.availability < FULL) return STATUS_COLORS.degraded;
  return STATUS_COLORS.up;
}

const UptimeBars = ({ days }: { days: UptimeDay[] }) => (
  <Box
    role="img"
    aria-label={`Uptime over ${days.length} days`}
    sx={{
      display: 'flex',
      gap: '1px',
      alignItems: 'stretch',
      height: 24,
      minWidth: 180,
    }}
  >
    {days.map(day => (
      <Tooltip
        key={day.day}
        title={`${day.day}: ${
          day.availability === undefined
            ? 'not probed'
            : percent(day.availability, 3)
        }${day.degraded ? ', degraded at times' : ''}`}
      >
        <Box sx={{ flex: 1, bgcolor: colorOf(day), borderRadius: '1px' }} />
      </Tooltip>
    ))}
  </Box>
);

/** Ninety days as bars, as a status page draws them: green, orange (degraded or a short outage), red, grey (not probed). */
export const UptimeStrip = ({ strip }: { strip: EncodedUptime }) => {
  const days = useMemo(() => decodeUptime(strip), [strip]);
  return <UptimeBars days={days} />;
};
