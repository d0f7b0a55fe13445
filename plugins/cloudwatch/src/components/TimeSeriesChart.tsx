import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type {
  MetricPoint,
  MetricUnit,
  SeriesStatus,
} from '@internal/backstage-plugin-cloudwatch-common';
import { useMemo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTime, formatValue } from './format';

/** One line of a chart. */
export interface ChartLine {
  label: string;
  points: MetricPoint[];
  color?: string;
  status: SeriesStatus;
  messages: string[];
}

/** A horizontal line: an SLO objective or a widget's threshold. */
export interface ChartThreshold {
  label: string;
  value: number;
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
];
const CHART_HEIGHT = 220;
const PERCENT = 100;
/** Room above the highest objective line, so that it is not drawn on the frame. */
const HEADROOM = 1.1;

/** Rows of the chart: one per timestamp, one column per line. */
function rowsOf(lines: ChartLine[]) {
  const byTime = new Map<number, Record<string, number>>();
  lines.forEach((line, i) => {
    for (const p of line.points) {
      const row = byTime.get(p.t) ?? { t: p.t };
      row[`s${i}`] = p.v;
      byTime.set(p.t, row);
    }
  });
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

function StatusChip({ lines }: { lines: ChartLine[] }) {
  const failed = lines.filter(l => l.status === 'failed');
  const partial = lines.filter(l => l.status === 'partial');
  if (failed.length === 0 && partial.length === 0) return null;
  const messages = [...failed, ...partial].flatMap(l =>
    l.messages.map(m => `${l.label}: ${m}`),
  );
  return (
    <Tooltip
      title={messages.join(' · ') || 'CloudWatch did not return everything'}
    >
      <Chip
        size="small"
        color={failed.length ? 'error' : 'warning'}
        label={failed.length ? 'failed' : 'partial data'}
        data-testid="series-status"
      />
    </Tooltip>
  );
}

/**
 * A time series chart in a card: lines (or stacked areas) over the window,
 * objectives as dashed lines, and the state of the data said in a chip
 * (partial, failed); with no point at all it says so instead of drawing an
 * empty frame.
 */
export function TimeSeriesChart(props: {
  title: string;
  subtitle?: string;
  unit: MetricUnit;
  lines: ChartLine[];
  thresholds?: ChartThreshold[];
  stacked?: boolean;
  /** Zoom on the top of a percent scale (availability): from just under the lowest value to 100 %. */
  zoomToTop?: boolean;
  window: { start: string; end: string };
}) {
  const theme = useTheme();
  const rows = useMemo(() => rowsOf(props.lines), [props.lines]);
  const start = Date.parse(props.window.start);
  const end = Date.parse(props.window.end);
  const span = end - start;
  const format = (v: number) => formatValue(v, props.unit);
  const colorOf = (line: ChartLine, i: number) =>
    line.color ?? PALETTE[i % PALETTE.length];
  const thresholds = props.thresholds ?? [];
  const maxThreshold = Math.max(0, ...thresholds.map(t => t.value));
  const minThreshold = Math.min(PERCENT, ...thresholds.map(t => t.value));
  const empty = rows.length === 0;

  const common = {
    data: rows,
    margin: { top: 8, right: 16, bottom: 0, left: 8 },
  };
  const axes = [
    <CartesianGrid
      key="grid"
      strokeDasharray="3 3"
      stroke={theme.palette.divider}
    />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      scale="time"
      domain={[start, end]}
      tickFormatter={t => formatTime(t, span)}
      stroke={theme.palette.text.secondary}
      fontSize={11}
    />,
    <YAxis
      key="y"
      tickFormatter={format}
      width={70}
      stroke={theme.palette.text.secondary}
      fontSize={11}
      domain={
        props.zoomToTop
          ? [
              (min: number) =>
                Math.max(0, Math.floor(Math.min(min, minThreshold) - 0.5)),
              PERCENT,
            ]
          : [0, (max: number) => Math.max(max, maxThreshold * HEADROOM)]
      }
      allowDecimals={props.unit !== 'count'}
    />,
    <ChartTooltip
      key="tooltip"
      labelFormatter={t => new Date(Number(t)).toLocaleString('en-GB')}
      formatter={(value: number) => format(value)}
      contentStyle={{
        background: theme.palette.background.paper,
        border: `1px solid ${theme.palette.divider}`,
      }}
    />,
    <Legend key="legend" wrapperStyle={{ fontSize: 12 }} />,
    ...thresholds.map(t => (
      <ReferenceLine
        key={`threshold-${t.label}`}
        y={t.value}
        stroke={theme.palette.warning.main}
        strokeDasharray="6 4"
        label={{
          value: t.label,
          position: 'insideTopRight',
          fill: theme.palette.text.secondary,
          fontSize: 11,
        }}
      />
    )),
  ];

  return (
    <Paper variant="outlined" sx={{ p: 2, height: '100%' }}>
      <Stack direction="row" alignItems="center" spacing={1} sx={{ mb: 1 }}>
        <Typography variant="subtitle1" sx={{ flexGrow: 1 }}>
          {props.title}
        </Typography>
        <StatusChip lines={props.lines} />
      </Stack>
      {props.subtitle && (
        <Typography variant="caption" color="text.secondary" component="div">
          {props.subtitle}
        </Typography>
      )}
      {empty ? (
        <Box
          height={CHART_HEIGHT}
          display="flex"
          alignItems="center"
          justifyContent="center"
        >
          <Typography color="text.secondary" variant="body2">
            No data points in this window
          </Typography>
        </Box>
      ) : (
        <Box
          height={CHART_HEIGHT}
          role="img"
          aria-label={`${props.title} chart`}
        >
          <ResponsiveContainer width="100%" height="100%">
            {props.stacked ? (
              <AreaChart {...common}>
                {axes}
                {props.lines.map((line, i) => (
                  <Area
                    key={line.label}
                    dataKey={`s${i}`}
                    name={line.label}
                    stackId="stack"
                    stroke={colorOf(line, i)}
                    fill={colorOf(line, i)}
                    fillOpacity={0.3}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            ) : (
              <LineChart {...common}>
                {axes}
                {props.lines.map((line, i) => (
                  <Line
                    key={line.label}
                    dataKey={`s${i}`}
                    name={line.label}
                    stroke={colorOf(line, i)}
                    dot={rows.length < 40}
                    strokeWidth={1.5}
                    type={props.unit === 'state' ? 'stepAfter' : 'linear'}
                    connectNulls={false}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            )}
          </ResponsiveContainer>
        </Box>
      )}
    </Paper>
  );
}
