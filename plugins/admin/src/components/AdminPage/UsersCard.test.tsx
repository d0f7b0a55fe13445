import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  readOnlyWhileImpersonating,
  WriteAccess,
  writeAccessApiRef,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';
import { UsersCard } from './UsersCard';

const directory = {
  value: {
    users: [
      {
        ref: 'user:default/eli.martin',
        name: 'eli.martin',
        displayName: 'Eli Martin',
        groups: ['team-platform'],
        roles: [],
        impersonable: true,
      },
    ],
  },
};

function renderWith(access: WriteAccess) {
  const onImpersonate = jest.fn();
  renderInTestApp(
    <UsersCard directory={directory} onImpersonate={onImpersonate} />,
    {
      apis: [
        [
          writeAccessApiRef,
          { getWriteAccess: () => access, watchWriteAccess: () => () => {} },
        ],
      ],
    },
  );
  return onImpersonate;
}

describe('UsersCard', () => {
  it('offers to impersonate someone who can be impersonated', async () => {
    const onImpersonate = renderWith(WRITES_ALLOWED);
    await userEvent.click(
      screen.getByRole('button', { name: 'Impersonate Eli Martin' }),
    );
    expect(onImpersonate).toHaveBeenCalled();
  });

  it('disables Impersonate with the reason while writes are refused', async () => {
    renderWith(readOnlyWhileImpersonating('user:default/jo.ng'));
    expect(
      screen.getByRole('button', { name: 'Impersonate Eli Martin' }),
    ).toBeDisabled();
    await userEvent.hover(screen.getByTestId('write-blocked'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Read-only while you impersonate jo.ng',
    );
  });
});
