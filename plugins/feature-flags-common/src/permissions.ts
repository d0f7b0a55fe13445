import { createPermission } from '@backstage/plugin-permission-common';

/** See flags, their state per environment, the change requests and previews: everyone signed in. */
export const featureFlagsFlagReadPermission = createPermission({
  name: 'feature-flags.flag.read',
  attributes: { action: 'read' },
});

/** Turn a flag on or off in an environment (a protected one only through a change request): admins. */
export const featureFlagsFlagTogglePermission = createPermission({
  name: 'feature-flags.flag.toggle',
  attributes: { action: 'update' },
});

/** Create a flag, off in every environment: engineers (New capability creates its three). */
export const featureFlagsFlagCreatePermission = createPermission({
  name: 'feature-flags.flag.create',
  attributes: { action: 'create' },
});

/** Archive a flag: admins. */
export const featureFlagsFlagArchivePermission = createPermission({
  name: 'feature-flags.flag.archive',
  attributes: { action: 'delete' },
});

/** Change targeting: a strategy's rollout and constraints (tenants), and the variants of an environment: admins. */
export const featureFlagsStrategyUpdatePermission = createPermission({
  name: 'feature-flags.flag.strategy.update',
  attributes: { action: 'update' },
});

/**
 * Approve or reject someone else's change request for a protected environment
 * (toggles, targeting, variants, creating and archiving flags): admins. The
 * approver also needs the permission of the change itself.
 */
export const featureFlagsChangeRequestApprovePermission = createPermission({
  name: 'feature-flags.flag.change-request.approve',
  attributes: { action: 'update' },
});

export const featureFlagsPermissions = [
  featureFlagsFlagReadPermission,
  featureFlagsFlagTogglePermission,
  featureFlagsFlagCreatePermission,
  featureFlagsFlagArchivePermission,
  featureFlagsStrategyUpdatePermission,
  featureFlagsChangeRequestApprovePermission,
];
