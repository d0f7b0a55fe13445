import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { HealthSeriesPoint } from '@internal/backstage-plugin-health-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { STATUS_COLORS, time } from './format';

const HEIGHT = 200;

/** Probes per bucket, stacked by status: the status timeline. */
export const StatusTimeline = ({ series }: { series: HealthSeriesPoint[] }) => (
  <Paper variant="outlined" sx={{ p: 2 }}>
    <Typography variant="subtitle1">Status timeline</Typography>
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <BarChart data={series} barCategoryGap={0}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="at" tickFormatter={time} minTickGap={40} />
        <YAxis allowDecimals={false} width={30} />
        <Tooltip labelFormatter={v => new Date(Number(v)).toLocaleString()} />
        <Legend />
        <Bar
          dataKey="up"
          stackId="s"
          fill={STATUS_COLORS.up}
          name="Up"
          isAnimationActive={false}
        />
        <Bar
          dataKey="degraded"
          stackId="s"
          fill={STATUS_COLORS.degraded}
          name="Degraded"
          isAnimationActive={false}
        />
        <Bar
          dataKey="down"
          stackId="s"
          fill={STATUS_COLORS.down}
          name="Down"
          isAnimationActive={false}
        />
        <Bar
          dataKey="disabled"
          stackId="s"
          fill={STATUS_COLORS.disabled}
          name="Disabled"
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  </Paper>
);

/** p95 latency per bucket against the objective. */
export const LatencyChart = ({
  series,
  objectiveMs,
}: {
  series: HealthSeriesPoint[];
  objectiveMs: number;
}) => {
  const highest = Math.max(objectiveMs, ...series.map(p => p.p95Ms ?? 0));
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Typography variant="subtitle1">
        Latency (p95) against the objective
      </Typography>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <LineChart data={series}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="at" tickFormatter={time} minTickGap={40} />
          <YAxis unit=" ms" width={70} domain={[0, Math.ceil(highest * 1.1)]} />
          <Tooltip labelFormatter={v => new Date(Number(v)).toLocaleString()} />
          <Legend />
          <ReferenceLine
            y={objectiveMs}
            stroke={STATUS_COLORS.down}
            strokeDasharray="6 3"
            label={{
              value: `objective ${objectiveMs} ms`,
              position: 'insideTopRight',
            }}
          />
          <Line
            type="monotone"
            dataKey="p95Ms"
            name="p95"
            stroke="#1f77b4"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </Paper>
  );
};
