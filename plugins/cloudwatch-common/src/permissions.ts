import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading CloudWatch metrics, alarms and dashboards through the portal.
 * Everybody signed in holds it (permission-backend-module-cloudwatch); it
 * exists so that a policy can narrow it. Each entity's view also needs the
 * entity to be visible to the caller in the catalog.
 */
export const cloudwatchMetricsReadPermission = createPermission({
  name: 'cloudwatch.metrics.read',
  attributes: { action: 'read' },
});

/** Every permission of the CloudWatch plugins. */
export const cloudwatchPermissions = [cloudwatchMetricsReadPermission];
