import { ReactNode } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { auditLogReportReadPermission } from '@internal/backstage-plugin-audit-log-common';

/**
 * Renders its children for compliance staff; admins and engineers see why
 * not. The server refuses them anyway.
 */
export const RequireReportRead = ({ children }: { children: ReactNode }) => {
  const { loading, allowed, error } = usePermission({
    permission: auditLogReportReadPermission,
  });
  if (loading) return <Progress aria-label="Checking your access" />;
  if (error)
    return (
      <ResponseErrorPanel
        title="Could not check your access to audit reports"
        error={error}
      />
    );
  if (allowed) return <>{children}</>;
  return (
    <WarningPanel
      severity="info"
      title="Audit reports are for the compliance role"
      message="Reports are the evidence auditors check about privileged actions, admins' included; so only the Compliance group produces and reads them (separation of duties)."
      defaultExpanded
    />
  );
};
