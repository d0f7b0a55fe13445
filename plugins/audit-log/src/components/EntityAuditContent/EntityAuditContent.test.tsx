import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { auditLogApiRef } from '../../api';
import {
  failedFlagToggle,
  impersonatedDelete,
  permissionsOf,
  serveAuditLog,
  serviceRefresh,
  testAuditLogClient,
} from '../../__testUtils__/fixtures';
import { EntityAuditContent } from './EntityAuditContent';

const renderTab = (name: string) =>
  renderInTestApp(
    <EntityProvider
      entity={{
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default' },
        spec: {},
      }}
    >
      <EntityAuditContent />
    </EntityProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [auditLogApiRef, testAuditLogClient()],
        permissionsOf('compliance'),
      ],
    },
  );

describe('EntityAuditContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists the events about this entity and opens one in the drawer', async () => {
    const recorded = serveAuditLog(server);
    await renderTab('payments-api');

    expect(
      await screen.findByTestId(`audit-row-${impersonatedDelete.id}`),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId(`audit-row-${serviceRefresh.id}`),
    ).toBeInTheDocument();
    expect(
      screen.queryByTestId(`audit-row-${failedFlagToggle.id}`),
    ).not.toBeInTheDocument();
    expect(recorded.events[0].get('target')).toBe(
      'component:default/payments-api',
    );
    // Every row has this target: no Target column.
    expect(
      screen.queryByRole('columnheader', { name: 'Target' }),
    ).not.toBeInTheDocument();

    await userEvent.click(
      within(screen.getByTestId(`audit-row-${serviceRefresh.id}`)).getByText(
        'entity-refresh',
      ),
    );

    const drawer = await screen.findByTestId('audit-event-drawer');
    expect(within(drawer).getByTestId('audit-field-actor')).toHaveTextContent(
      'plugin:scaffolder',
    );
    expect(within(drawer).getByTestId('audit-field-seq')).toHaveTextContent(
      '#3',
    );
  });

  it('says so when nothing was recorded about the entity', async () => {
    serveAuditLog(server);
    await renderTab('quiet-service');

    expect(
      await screen.findByText('No audit events for this entity'),
    ).toBeInTheDocument();
  });
});
