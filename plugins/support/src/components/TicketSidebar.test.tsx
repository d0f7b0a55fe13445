import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  pausedForMaintenance,
  WriteAccess,
  writeAccessApiRef,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';
import { TicketView } from '@internal/backstage-plugin-support-common';
import { TicketSidebar } from './TicketSidebar';

const view: TicketView = {
  ticket: {
    id: 7,
    entityRef: 'component:default/stackpro-messaging',
    queueRef: 'group:default/team-messaging',
    type: 'incident',
    priority: 'P2',
    title: 'Messages are late',
    labels: [],
    status: 'triaged',
    requesterRef: 'user:default/eli.martin',
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
    sla: {
      policy: 'P2',
      response: { state: 'none' },
      resolution: { state: 'none' },
      paused: false,
    },
    commentCount: 0,
    version: 1,
    body: 'Since 08:00.',
    watchers: [],
  },
  timeline: [],
  access: {
    canComment: true,
    canAddNote: true,
    canSeeNotes: true,
    canManage: true,
    canWatch: true,
    transitions: ['in_progress'],
  },
};

function renderWith(access: WriteAccess) {
  const onChange = jest.fn();
  renderInTestApp(
    <TicketSidebar
      view={view}
      me="user:default/jo.ng"
      onChange={onChange}
      onWatch={jest.fn()}
      onGithub={jest.fn()}
    />,
    {
      apis: [
        [
          writeAccessApiRef,
          { getWriteAccess: () => access, watchWriteAccess: () => () => {} },
        ],
      ],
    },
  );
  return onChange;
}

describe('TicketSidebar', () => {
  it('lets a manager assign the ticket to themselves', async () => {
    const onChange = renderWith(WRITES_ALLOWED);
    await userEvent.click(screen.getByRole('button', { name: 'Assign to me' }));
    expect(onChange).toHaveBeenCalledWith({
      assigneeRef: 'user:default/jo.ng',
    });
    expect(screen.queryByTestId('write-access-notice')).not.toBeInTheDocument();
  });

  it('disables every change during maintenance and says why', async () => {
    renderWith(pausedForMaintenance('Database upgrade until 10:00 UTC'));
    expect(screen.getByTestId('write-access-notice')).toHaveTextContent(
      'The portal is in maintenance: writes are paused (Database upgrade until 10:00 UTC).',
    );
    expect(screen.getByRole('button', { name: 'Assign to me' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Watch' })).toBeDisabled();
    expect(screen.getByLabelText('Move to')).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });
});
