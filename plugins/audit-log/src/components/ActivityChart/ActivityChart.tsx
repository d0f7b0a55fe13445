import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import BarChartIcon from '@mui/icons-material/BarChart';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  AuditEventFilter,
  DailyActivity,
  SEVERITIES,
  Severity,
} from '@internal/backstage-plugin-audit-log-common';
import useAsync from 'react-use/esm/useAsync';
import { auditLogApiRef } from '../../api';
import { formatNumber, SEVERITY_COLORS, SEVERITY_LABELS } from '../../format';

type Day = DailyActivity['days'][number];

/** Most severe first, as people read the label; drawn bottom-up the other way. */
const SEVERITIES_DESC = [...SEVERITIES].reverse() as Severity[];

const countOf = (day: Day, severity: Severity) => Number(day[severity]) || 0;
const totalOf = (day: Day) =>
  SEVERITIES.reduce((sum, s) => sum + countOf(day, s), 0);

/** `2026-11-22: 1 critical, 3 high` (severities without events left out). */
export function dayLabel(day: Day): string {
  const parts = SEVERITIES_DESC.filter(s => countOf(day, s) > 0).map(
    s => `${countOf(day, s)} ${s}`,
  );
  return `${day.day}: ${parts.length ? parts.join(', ') : 'no events'}`;
}

/** 1, 2, 5, 10, 20, 50 … at or above `n`, so the axis reads in round numbers. */
function niceCeil(n: number): number {
  if (n <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= n) return step * magnitude;
  }
  return 10 * magnitude;
}

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { top: 8, right: 8, bottom: 24, left: 40 };
const MAX_X_LABELS = 7;

/** A stacked bar per UTC day, low severity at the bottom. */
export const StackedBars = ({ days }: { days: Day[] }) => {
  const theme = useTheme();
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const yMax = niceCeil(Math.max(...days.map(totalOf)));
  const slot = plotW / days.length;
  const barW = Math.max(2, Math.min(40, slot * 0.7));
  const y = (value: number) => PAD.top + plotH - (value / yMax) * plotH;
  const labelEvery = Math.ceil(days.length / MAX_X_LABELS);
  const axis = theme.palette.text.secondary;

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="group"
      aria-label="Events per day by severity"
      data-testid="audit-activity-chart"
      style={{ display: 'block', maxHeight: 260 }}
    >
      {[0, yMax / 2, yMax].filter(Number.isInteger).map(tick => (
        <g key={tick} aria-hidden="true">
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(tick)}
            y2={y(tick)}
            stroke={theme.palette.divider}
          />
          <text
            x={PAD.left - 6}
            y={y(tick)}
            textAnchor="end"
            dominantBaseline="middle"
            fontSize={11}
            fill={axis}
          >
            {formatNumber(tick)}
          </text>
        </g>
      ))}
      {days.map((day, index) => {
        const x = PAD.left + index * slot + (slot - barW) / 2;
        let base = 0;
        const label = dayLabel(day);
        return (
          <g key={day.day} role="img" aria-label={label}>
            <title>{label}</title>
            {/* the whole slot answers the hover, not only the bar */}
            <rect
              x={PAD.left + index * slot}
              y={PAD.top}
              width={slot}
              height={plotH}
              fill="transparent"
            />
            {SEVERITIES.map(severity => {
              const count = countOf(day, severity);
              if (!count) return null;
              const top = y(base + count);
              const height = y(base) - top;
              base += count;
              return (
                <rect
                  key={severity}
                  x={x}
                  y={top}
                  width={barW}
                  height={height}
                  fill={SEVERITY_COLORS[severity]}
                />
              );
            })}
            {index % labelEvery === 0 && (
              <text
                x={PAD.left + index * slot + slot / 2}
                y={HEIGHT - 6}
                textAnchor="middle"
                fontSize={11}
                fill={axis}
                aria-hidden="true"
              >
                {day.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
};

const Legend = ({ days }: { days: Day[] }) => (
  <Box
    component="ul"
    aria-label="Severity legend"
    sx={{
      display: 'flex',
      flexWrap: 'wrap',
      gap: 2,
      listStyle: 'none',
      p: 0,
      m: 0,
      mt: 1,
    }}
  >
    {SEVERITIES_DESC.map(severity => (
      <Box
        component="li"
        key={severity}
        sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}
      >
        <Box
          aria-hidden="true"
          sx={{
            width: 12,
            height: 12,
            borderRadius: 0.5,
            bgcolor: SEVERITY_COLORS[severity],
          }}
        />
        <Typography variant="body2">
          {SEVERITY_LABELS[severity]}{' '}
          <Typography component="span" variant="body2" color="text.secondary">
            {formatNumber(
              days.reduce((sum, d) => sum + countOf(d, severity), 0),
            )}
          </Typography>
        </Typography>
      </Box>
    ))}
  </Box>
);

const NoActivity = () => (
  <Box
    data-testid="audit-activity-empty"
    sx={{
      display: 'flex',
      flexDirection: 'column',
      alignItems: 'center',
      justifyContent: 'center',
      textAlign: 'center',
      py: 4,
      color: 'text.secondary',
    }}
  >
    <BarChartIcon sx={{ fontSize: 48, opacity: 0.5 }} />
    <Typography variant="subtitle1" component="p" color="text.primary">
      No activity in this period
    </Typography>
    <Typography variant="body2">
      No event matches these filters. Widen the time range or clear a filter.
    </Typography>
  </Box>
);

/** Events per UTC day by severity, for the page's filters. */
export const ActivityChart = ({
  filter,
  filterKey,
}: {
  filter: AuditEventFilter;
  filterKey: string;
}) => {
  const api = useApi(auditLogApiRef);
  const { value, loading, error } = useAsync(
    () => api.getDailyActivity(filter),
    // filterKey changes exactly when the filter's content does
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, filterKey],
  );

  const days = [...(value?.days ?? [])].sort((a, b) =>
    a.day.localeCompare(b.day),
  );
  const total = days.reduce((sum, d) => sum + totalOf(d), 0);

  let content;
  if (loading) {
    content = <Progress aria-label="Loading the activity" />;
  } else if (error) {
    content = (
      <ResponseErrorPanel title="Could not load the activity" error={error} />
    );
  } else if (total === 0) {
    content = <NoActivity />;
  } else {
    const busiest = days.reduce((a, b) => (totalOf(b) > totalOf(a) ? b : a));
    content = (
      <>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {formatNumber(total)} events over {days.length}{' '}
          {days.length === 1 ? 'day' : 'days'}; busiest {busiest.day} (
          {formatNumber(totalOf(busiest))})
        </Typography>
        <StackedBars days={days} />
        <Legend days={days} />
      </>
    );
  }

  return (
    <InfoCard
      title="Activity"
      titleTypographyProps={{ component: 'h2' }}
      subheader="Events per UTC day, by severity; the filters below apply"
    >
      {content}
    </InfoCard>
  );
};
