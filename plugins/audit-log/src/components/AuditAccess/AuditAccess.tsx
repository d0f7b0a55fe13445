import { ReactNode } from 'react';
import Typography from '@mui/material/Typography';
import {
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { auditLogEventReadPermission } from '@internal/backstage-plugin-audit-log-common';

/** What an engineer sees instead of the audit log. */
export const AuditAccessRefusal = () => (
  <WarningPanel
    severity="info"
    title="You need the compliance or admin role"
    message={
      <>
        <Typography variant="body2" component="span" display="block" mb={1}>
          The compliance audit log records every privileged action in the
          portal, with who did it and from where. Only the Compliance group and
          Platform Admins can read it.
        </Typography>
        <Typography variant="body2" component="span" display="block">
          If your work needs it, ask a platform admin to add you to the
          compliance group.
        </Typography>
      </>
    }
    defaultExpanded
  />
);

/**
 * Renders its children for those who may read the audit log (compliance and
 * admins), a refusal for everybody else. The server refuses them anyway: this
 * only spares them a page of errors.
 */
export const RequireAuditRead = ({ children }: { children: ReactNode }) => {
  const { loading, allowed, error } = usePermission({
    permission: auditLogEventReadPermission,
  });
  if (loading) {
    return <Progress aria-label="Checking your access" />;
  }
  if (error) {
    return (
      <ResponseErrorPanel
        title="Could not check your access to the audit log"
        error={error}
      />
    );
  }
  return allowed ? <>{children}</> : <AuditAccessRefusal />;
};
