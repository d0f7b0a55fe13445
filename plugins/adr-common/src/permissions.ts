import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading decision records and the documentation coverage. Everybody signed
 * in holds it under the portal's policy (an ungranted read is allowed); it
 * exists so that a policy can narrow it, and it is the search collator's
 * visibility permission.
 */
export const adrReadPermission = createPermission({
  name: 'adr.decision.read',
  attributes: { action: 'read' },
});

/** Every permission of the ADR plugin. */
export const adrPermissions = [adrReadPermission];
