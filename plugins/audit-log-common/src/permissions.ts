import { createPermission } from '@backstage/plugin-permission-common';

/** Read audit events, verify the chain, see the activity: compliance and admins. */
export const auditLogEventReadPermission = createPermission({
  name: 'audit-log.event.read',
  attributes: { action: 'read' },
});

/** Export audit events with a signed manifest: compliance only. */
export const auditLogEventExportPermission = createPermission({
  name: 'audit-log.event.export',
  attributes: { action: 'read' },
});

/** Export every event about one person (GDPR access request): compliance only. */
export const auditLogSubjectExportPermission = createPermission({
  name: 'audit-log.subject.export',
  attributes: { action: 'read' },
});

/** Erase a person's identity from the log (GDPR erasure): compliance only. */
export const auditLogSubjectErasePermission = createPermission({
  name: 'audit-log.subject.erase',
  attributes: { action: 'delete' },
});

/** Produce an audit report (evidence for auditors): compliance only. */
export const auditLogReportCreatePermission = createPermission({
  name: 'audit-log.report.create',
  attributes: { action: 'create' },
});

/** List, open and download audit reports: compliance only. */
export const auditLogReportReadPermission = createPermission({
  name: 'audit-log.report.read',
  attributes: { action: 'read' },
});

export const auditLogPermissions = [
  auditLogEventReadPermission,
  auditLogEventExportPermission,
  auditLogSubjectExportPermission,
  auditLogSubjectErasePermission,
  auditLogReportCreatePermission,
  auditLogReportReadPermission,
];
