import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Health page: every probed entity. */
export const rootRouteRef = createRouteRef();
/** The status page every signed-in user reads. */
export const statusRouteRef = createRouteRef();
