import { useEffect } from 'react';
import { usePermission } from '@backstage/plugin-permission-react';
import { auditLogEventReadPermission } from '@internal/backstage-plugin-audit-log-common';
import { auditReadAccess } from './auditReadAccess';

/**
 * Asks once, after sign-in, whether the person may read the audit log, and
 * keeps the answer for the entity pages' Audit tab (`auditReadAccess`).
 * Draws nothing.
 */
export const AuditAccessProbe = () => {
  const { loading, allowed, error } = usePermission({
    permission: auditLogEventReadPermission,
  });
  useEffect(() => {
    auditReadAccess.set(loading || error ? undefined : allowed);
  }, [loading, allowed, error]);
  return null;
};
