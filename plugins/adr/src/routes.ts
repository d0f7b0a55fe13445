import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The portal-wide Decisions page. */
export const rootRouteRef = createRouteRef();
