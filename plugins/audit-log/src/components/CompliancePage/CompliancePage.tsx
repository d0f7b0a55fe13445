import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import {
  Content,
  Header,
  InfoCard,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { reportsRouteRef } from '../../routes';
import { ActivityChart } from '../ActivityChart';
import { RequireAuditRead } from '../AuditAccess';
import { AuditEventBrowser } from '../AuditEventBrowser';
import {
  AuditFilters,
  isFilterEmpty,
  useAuditFilter,
  useSelectedEvent,
} from '../AuditFilters';
import { ChainStatusCard } from '../ChainStatusCard';
import { ExportButton } from '../ExportDialog';
import { SigningKeyCard } from '../SigningKeyCard';

/** To the audit reports (compliance produces them from this log). */
const AuditReportsLink = () => {
  const reports = useRouteRef(reportsRouteRef);
  return (
    <LinkButton
      variant="contained"
      color="inherit"
      to={reports?.() ?? '/audit-reports'}
    >
      Audit reports
    </LinkButton>
  );
};

const ComplianceContent = () => {
  const { filter, filterKey, patchFilter, clearFilter } = useAuditFilter();
  const { open } = useSelectedEvent();
  const filtered = !isFilterEmpty(filter);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={5}>
        <ChainStatusCard onOpenEvent={open} />
      </Grid>
      <Grid item xs={12} md={7}>
        <ActivityChart filter={filter} filterKey={filterKey} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Events"
          titleTypographyProps={{ component: 'h2' }}
          subheader="Newest first. Select an event for both actors, the request and its place in the chain."
        >
          <AuditFilters
            filter={filter}
            onChange={patchFilter}
            onClear={clearFilter}
            actions={<ExportButton filter={filter} />}
          />
          <AuditEventBrowser
            filter={filter}
            filterKey={filterKey}
            empty={
              filtered
                ? {
                    title: 'No event matches these filters',
                    description:
                      'Widen the time range or clear the filters to see every event.',
                    action: (
                      <Button variant="contained" onClick={clearFilter}>
                        Clear filters
                      </Button>
                    ),
                  }
                : {
                    title: 'No audit events yet',
                    description:
                      'Privileged actions in the portal (deleting entities, toggling flags, changing permissions) are recorded here as they happen.',
                  }
            }
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <SigningKeyCard />
      </Grid>
    </Grid>
  );
};

/**
 * The compliance audit log: whether the hash chain holds, the activity per
 * day, the events (filtered in the URL) with their details, signed exports
 * and the key that signs them. For compliance staff and admins.
 */
export const CompliancePage = () => (
  <Page themeId="tool">
    <Header
      title="Compliance"
      subtitle="Every privileged action in the portal, tamper-evident and exportable with a signed manifest"
    >
      <AuditReportsLink />
    </Header>
    <Content>
      <RequireAuditRead>
        <ComplianceContent />
      </RequireAuditRead>
    </Content>
  </Page>
);
