/**
 * Whether the signed-in person may read the audit log, as the permission
 * backend answered `audit-log.event.read` once after sign-in
 * (`AuditAccessProbe`); `undefined` until it has.
 *
 * An entity page's tabs are chosen by a synchronous filter on the entity,
 * which cannot ask the permission API itself: the Audit tab's filter reads
 * this answer. Until the answer is in (a page opened straight from a link)
 * the tab shows, with the refusal drawn inside it for those who may not read.
 * The server refuses them either way.
 */
let allowed: boolean | undefined;

export const auditReadAccess = {
  get: (): boolean | undefined => allowed,
  set: (value: boolean | undefined) => {
    allowed = value;
  },
};
