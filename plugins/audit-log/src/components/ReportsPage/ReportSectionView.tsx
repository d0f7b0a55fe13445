import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { InfoCard } from '@backstage/core-components';
import {
  ReportChart,
  ReportSection,
  ReportTable,
} from '@internal/backstage-plugin-audit-log-common';

/** Rows a table shows in the page; the CSV holds them all. */
const SHOWN_ROWS = 200;
const CHART_BARS = 12;

const BarChart = ({
  chart,
  table,
}: {
  chart: ReportChart;
  table: ReportTable;
}) => {
  const col = table.columns.indexOf(chart.valueColumn);
  const bars = table.rows
    .slice(0, CHART_BARS)
    .map(r => ({ label: String(r[0]), value: Number(r[col]) || 0 }));
  const max = Math.max(1, ...bars.map(b => b.value));
  if (!bars.length) return null;
  return (
    <Box mb={2} role="figure" aria-label={chart.title}>
      <Typography variant="subtitle2" mb={1}>
        {chart.title}
      </Typography>
      {bars.map(b => (
        <Stack
          key={b.label}
          direction="row"
          alignItems="center"
          spacing={1}
          mb={0.5}
        >
          <Typography
            variant="caption"
            sx={{ width: 220, flexShrink: 0 }}
            noWrap
            title={b.label}
          >
            {b.label}
          </Typography>
          <Box sx={{ flexGrow: 1 }}>
            <Box
              sx={{
                width: `${(b.value / max) * 100}%`,
                minWidth: 2,
                height: 14,
                bgcolor: 'primary.main',
                borderRadius: 0.5,
              }}
            />
          </Box>
          <Typography variant="caption" sx={{ width: 60, textAlign: 'right' }}>
            {b.value}
          </Typography>
        </Stack>
      ))}
    </Box>
  );
};

const ReportTableView = ({ table }: { table: ReportTable }) => (
  <Box mb={3}>
    <Typography variant="subtitle1" component="h3" mb={1}>
      {table.title}
    </Typography>
    {table.rows.length === 0 ? (
      <Typography variant="body2" color="text.secondary">
        {table.emptyText}
      </Typography>
    ) : (
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label={table.title}>
          <TableHead>
            <TableRow>
              {table.columns.map(c => (
                <TableCell key={c}>{c}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {table.rows.slice(0, SHOWN_ROWS).map((row, i) => (
              <TableRow key={i}>
                {row.map((cell, j) => (
                  <TableCell
                    key={j}
                    sx={{ wordBreak: 'break-word', maxWidth: 360 }}
                  >
                    {cell}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {table.rows.length > SHOWN_ROWS && (
          <Typography variant="body2" color="text.secondary" mt={1}>
            {table.rows.length - SHOWN_ROWS} more rows in {table.id}.csv
          </Typography>
        )}
      </Box>
    )}
  </Box>
);

/** One section of a report: the controls it evidences, its summary, charts and tables. */
export const ReportSectionView = ({ section }: { section: ReportSection }) => (
  <InfoCard title={section.title} titleTypographyProps={{ component: 'h2' }}>
    <Stack direction="row" spacing={1} mb={2} flexWrap="wrap" useFlexGap>
      {section.controls.map(c => (
        <Chip
          key={c.id}
          label={c.id}
          title={c.title}
          size="small"
          color="primary"
          variant="outlined"
        />
      ))}
    </Stack>
    <Box component="ul" mt={0} mb={2} pl={3}>
      {section.summary.map(line => (
        <li key={line}>
          <Typography variant="body2">{line}</Typography>
        </li>
      ))}
    </Box>
    {section.charts.map(chart => {
      const table = section.tables.find(t => t.id === chart.tableId);
      return table ? (
        <BarChart key={chart.title} chart={chart} table={table} />
      ) : null;
    })}
    {section.tables.map(t => (
      <ReportTableView key={t.id} table={t} />
    ))}
  </InfoCard>
);
