import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read probe results, SLOs, incidents and the status page. Everybody signed
 * in; the entities listed are further limited to those the catalog shows the
 * caller.
 */
export const healthReadPermission = createPermission({
  name: 'health.read',
  attributes: { action: 'read' },
});

/**
 * The health plugin has reads only. Probing is the scheduler's (every
 * interval, one replica), and objectives come from configuration and the
 * entity's `stackportal.io/slo-*` annotations, reviewed with its catalog file:
 * no permission to probe on demand or to override objectives in the portal.
 */
export const healthPermissions = [healthReadPermission];
