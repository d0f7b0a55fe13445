import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import Button from '@mui/material/Button';
import { useWriteAccess } from './useWriteAccess';
import { WriteAccessNotice, WriteGuard } from './WriteGuard';
import {
  pausedForMaintenance,
  readOnlyWhileImpersonating,
  WriteAccess,
  WriteAccessApi,
  writeAccessApiRef,
  WRITES_ALLOWED,
} from './writeAccess';

/** A write access API whose answer the test changes. */
function changingAccess(initial: WriteAccess) {
  let current = initial;
  const listeners = new Set<(access: WriteAccess) => void>();
  const api: WriteAccessApi = {
    getWriteAccess: () => current,
    watchWriteAccess(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    api,
    listeners,
    change(next: WriteAccess) {
      current = next;
      act(() => listeners.forEach(listener => listener(next)));
    },
  };
}

const SaveButton = () => (
  <WriteGuard>
    <Button onClick={() => undefined}>Save</Button>
  </WriteGuard>
);

describe('useWriteAccess', () => {
  it('allows writes when no write access API is installed', async () => {
    const Probe = () => {
      const access = useWriteAccess();
      return <span>{access.allowed ? 'may write' : access.reason}</span>;
    };
    await renderInTestApp(<Probe />);
    expect(screen.getByText('may write')).toBeInTheDocument();
  });

  it('follows the answer as it changes and stops listening when unmounted', async () => {
    const access = changingAccess(WRITES_ALLOWED);
    const { unmount } = await renderInTestApp(<SaveButton />, {
      apis: [[writeAccessApiRef, access.api]],
    });
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();

    access.change(pausedForMaintenance('Database upgrade until 10:00 UTC.'));
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    access.change(WRITES_ALLOWED);
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();

    unmount();
    expect(access.listeners.size).toBe(0);
  });
});

describe('WriteGuard', () => {
  it('disables the control and says why in its tooltip', async () => {
    const access = changingAccess(
      readOnlyWhileImpersonating('user:default/eli.martin'),
    );
    await renderInTestApp(<SaveButton />, {
      apis: [[writeAccessApiRef, access.api]],
    });
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.hover(screen.getByTestId('write-blocked'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Read-only while you impersonate eli.martin',
    );
  });

  it('keeps a control disabled for its own reasons when writes work', async () => {
    await renderInTestApp(
      <WriteGuard access={WRITES_ALLOWED}>
        <Button disabled>Save</Button>
      </WriteGuard>,
    );
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(screen.queryByTestId('write-blocked')).not.toBeInTheDocument();
  });
});

describe('WriteAccessNotice', () => {
  it("says maintenance pauses writes, with the admins' message", async () => {
    await renderInTestApp(
      <WriteAccessNotice
        access={pausedForMaintenance('Database upgrade until 10:00 UTC.')}
      />,
    );
    expect(screen.getByTestId('write-access-notice')).toHaveTextContent(
      'The portal is in maintenance: writes are paused (Database upgrade until 10:00 UTC).',
    );
  });

  it('says nothing while writes work', async () => {
    await renderInTestApp(<WriteAccessNotice access={WRITES_ALLOWED} />);
    expect(screen.queryByTestId('write-access-notice')).not.toBeInTheDocument();
  });
});
