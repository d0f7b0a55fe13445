import { createPermission } from '@backstage/plugin-permission-common';

/** Raise a ticket against an entity one can see. Everybody signed in. */
export const supportTicketCreatePermission = createPermission({
  name: 'support.ticket.create',
  attributes: { action: 'create' },
});

/** Read tickets and their public comments. Everybody signed in. */
export const supportTicketReadPermission = createPermission({
  name: 'support.ticket.read',
  attributes: { action: 'read' },
});

/**
 * Work on any ticket as its owning team would: triage, assign, change
 * priority and queue, internal notes, resolve and close, link to GitHub.
 * The support role and admins hold it; members of a ticket's owning group
 * may do the same on that group's tickets without it.
 */
export const supportTicketManagePermission = createPermission({
  name: 'support.ticket.manage',
  attributes: { action: 'update' },
});

export const supportPermissions = [
  supportTicketCreatePermission,
  supportTicketReadPermission,
  supportTicketManagePermission,
];
