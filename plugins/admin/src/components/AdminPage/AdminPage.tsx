import { useCallback, useState } from 'react';
import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  adminConsoleReadPermission,
  AdminUser,
} from '@internal/backstage-plugin-admin-common';
import Grid from '@mui/material/Grid';
import { adminApiRef } from '../../api';
import { ImpersonationDialog } from '../ImpersonationDialog';
import { useLoad } from './shared';
import { UsersCard } from './UsersCard';
import { GroupsCard } from './GroupsCard';
import { SessionsCard } from './SessionsCard';
import { EventsCard } from './EventsCard';
import { MaintenanceCard } from './MaintenanceCard';

/** What somebody without the admin role sees at /admin. */
export const AdminAccessRefusal = () => (
  <WarningPanel
    severity="info"
    title="You need the admin role"
    message="The admin console (users and roles, impersonation, maintenance mode) is for Platform Admins only. If your work needs it, ask a platform admin."
    defaultExpanded
  />
);

const AdminConsole = () => {
  const adminApi = useApi(adminApiRef);
  const [impersonating, setImpersonating] = useState<AdminUser>();
  // users and groups come from one directory answer, read once
  const directory = useLoad(
    useCallback(() => adminApi.getDirectory(), [adminApi]),
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <UsersCard directory={directory} onImpersonate={setImpersonating} />
      </Grid>
      <Grid item xs={12} md={6}>
        <MaintenanceCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <GroupsCard directory={directory} />
      </Grid>
      <Grid item xs={12}>
        <SessionsCard />
      </Grid>
      <Grid item xs={12}>
        <EventsCard />
      </Grid>
      <ImpersonationDialog
        user={impersonating}
        onClose={() => setImpersonating(undefined)}
      />
    </Grid>
  );
};

/** The admin console, for admins; a refusal for everybody else. */
export const AdminPage = () => {
  const { loading, allowed, error } = usePermission({
    permission: adminConsoleReadPermission,
  });
  return (
    <Page themeId="tool">
      <Header
        title="Admin console"
        subtitle="Users and roles, impersonation, maintenance mode"
      />
      <Content>
        {loading && <Progress aria-label="Checking your access" />}
        {error && (
          <ResponseErrorPanel
            title="Could not check your access to the admin console"
            error={error}
          />
        )}
        {!loading &&
          !error &&
          (allowed ? <AdminConsole /> : <AdminAccessRefusal />)}
      </Content>
    </Page>
  );
};
