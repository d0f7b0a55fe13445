import { MaintenanceState } from '@internal/backstage-plugin-admin-common';

type Listener = (state: MaintenanceState) => void;

const listeners = new Set<Listener>();

/**
 * Tells this browser's maintenance banner the state an admin just set, so
 * that the admin who switched maintenance on sees the banner at once rather
 * than at the banner's next poll. Other browsers learn it from their poll.
 */
export function announceMaintenance(state: MaintenanceState) {
  for (const listener of listeners) listener(state);
}

/** Calls `listener` with every announced state until the returned function is called. */
export function onMaintenanceAnnounced(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
