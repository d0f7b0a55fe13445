import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { auditReportsApiRef } from '../../reportsApi';
import { ReportSectionView } from './ReportSectionView';
import { saveDownload } from './saveDownload';

/** One stored report: what it covers, its downloads and its sections. */
export const ReportView = ({ reportId }: { reportId: string }) => {
  const api = useApi(auditReportsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getReport(reportId),
    [api, reportId],
  );
  const [downloadError, setDownloadError] = useState<string>();
  if (loading) return <Progress aria-label="Loading the report" />;
  if (error)
    return (
      <ResponseErrorPanel title="Could not open the report" error={error} />
    );
  if (!value) return null;
  const { summary, report } = value;
  const download = (name: string) => {
    setDownloadError(undefined);
    api
      .download(reportId, name)
      .then(saveDownload, e => setDownloadError((e as Error).message));
  };
  const csvs = report.sections.flatMap(s => s.tables.map(t => t.id));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={report.title}
          titleTypographyProps={{ component: 'h2' }}
        >
          {summary.supersededBy && (
            <Alert severity="warning" sx={{ mb: 2 }}>
              Superseded by a later report of the same period:{' '}
              <Link to={`../${summary.supersededBy}`}>
                {summary.supersededBy}
              </Link>
              . This one is kept unchanged.
            </Alert>
          )}
          <Typography variant="body2">
            {report.framework.title}, {report.periodLabel} ({report.periodFrom}{' '}
            to {report.periodTo}, end exclusive)
          </Typography>
          <Typography variant="body2">
            Produced {report.createdAt} by {report.createdBy}
            {report.supersedes ? `; supersedes ${report.supersedes}` : ''}
          </Typography>
          <Typography variant="body2">
            Computed from events{' '}
            {report.firstSeq
              ? `#${report.firstSeq} to #${report.lastSeq}`
              : '(none)'}{' '}
            ({report.eventCount} events); chain head{' '}
            {report.chainHead
              ? `#${report.chainHead.seq} ${report.chainHead.hash}`
              : 'none'}
          </Typography>
          <Stack direction="row" spacing={1} mt={2} flexWrap="wrap" useFlexGap>
            <Button variant="contained" onClick={() => download('report.pdf')}>
              Download PDF
            </Button>
            <Button variant="outlined" onClick={() => download('manifest')}>
              Download signed manifest
            </Button>
            {csvs.map(id => (
              <Button
                key={id}
                size="small"
                onClick={() => download(`${id}.csv`)}
              >
                {id}.csv
              </Button>
            ))}
          </Stack>
          <Typography variant="body2" color="text.secondary" mt={2}>
            Auditors check the files offline:{' '}
            <code>
              node scripts/verify-audit-export.mjs &lt;manifest&gt;
              &lt;files…&gt;
            </code>
          </Typography>
          {downloadError && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {downloadError}
            </Alert>
          )}
        </InfoCard>
      </Grid>
      {report.sections.map(section => (
        <Grid item xs={12} key={section.kind}>
          <ReportSectionView section={section} />
        </Grid>
      ))}
    </Grid>
  );
};
