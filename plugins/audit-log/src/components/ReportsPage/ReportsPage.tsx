import Grid from '@mui/material/Grid';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Route, Routes, useNavigate, useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { auditReportsApiRef } from '../../reportsApi';
import { ProduceReportCard } from './ProduceReportCard';
import { RequireReportRead } from './ReportAccess';
import { ReportView } from './ReportView';

const ReportList = () => {
  const api = useApi(auditReportsApiRef);
  const navigate = useNavigate();
  const { value, loading, error } = useAsyncRetry(
    () => api.listReports(),
    [api],
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ProduceReportCard onProduced={summary => navigate(summary.reportId)} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Reports"
          titleTypographyProps={{ component: 'h2' }}
          subheader="Newest first. A report never changes; a later one of the same period supersedes it."
        >
          {loading && <Progress aria-label="Loading the reports" />}
          {error && (
            <ResponseErrorPanel
              title="Could not list the reports"
              error={error}
            />
          )}
          {value && value.length === 0 && (
            <EmptyState
              missing="data"
              title="No report yet"
              description="Produce one above; monthly and quarterly reports also appear here when the scheduler produces them."
            />
          )}
          {value && value.length > 0 && (
            <Table size="small" aria-label="Reports">
              <TableHead>
                <TableRow>
                  <TableCell>Report</TableCell>
                  <TableCell>Period</TableCell>
                  <TableCell>Produced</TableCell>
                  <TableCell>By</TableCell>
                  <TableCell>Status</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {value.map(r => (
                  <TableRow key={r.reportId}>
                    <TableCell>
                      <Link to={r.reportId}>{r.title}</Link>
                    </TableCell>
                    <TableCell>{r.periodLabel}</TableCell>
                    <TableCell>{r.createdAt}</TableCell>
                    <TableCell>
                      {r.scheduled ? 'scheduled' : r.createdBy}
                    </TableCell>
                    <TableCell>
                      {r.supersededBy
                        ? `superseded by ${r.supersededBy}`
                        : 'current'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
};

const ReportRoute = () => {
  const { reportId } = useParams();
  return <ReportView reportId={reportId ?? ''} />;
};

/** Audit reports for auditors: produce, list, open, download with their signed manifests. Compliance only. */
export const ReportsPage = () => (
  <Page themeId="tool">
    <Header
      title="Audit reports"
      subtitle="Evidence per framework, computed from the hash chain and signed"
    />
    <Content>
      <RequireReportRead>
        <Routes>
          <Route path="/" element={<ReportList />} />
          <Route path="/:reportId" element={<ReportRoute />} />
        </Routes>
      </RequireReportRead>
    </Content>
  </Page>
);
