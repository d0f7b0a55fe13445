import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The Support page: My tickets, queues, and each ticket at /support/tickets/:id. */
export const rootRouteRef = createRouteRef();
