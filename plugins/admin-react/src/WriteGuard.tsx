import { cloneElement, ReactElement } from 'react';
import Alert from '@mui/material/Alert';
import Tooltip from '@mui/material/Tooltip';
import { useWriteAccess } from './useWriteAccess';
import { WriteAccess } from './writeAccess';

/**
 * A write control (button, switch) that is disabled, with the reason as its
 * tooltip, while the person may not write. `access` is for callers that
 * already hold the answer (one hook call for a table of switches).
 */
export function WriteGuard(props: {
  children: ReactElement<{ disabled?: boolean }>;
  access?: WriteAccess;
}) {
  const own = useWriteAccess();
  const access = props.access ?? own;
  if (access.allowed) return props.children;
  return (
    <Tooltip title={access.reason}>
      {/* a disabled control receives no pointer events: the span shows the tooltip */}
      <span data-testid="write-blocked" style={{ display: 'inline-flex' }}>
        {cloneElement(props.children, { disabled: true })}
      </span>
    </Tooltip>
  );
}

/** Helper text for a page or form whose writes are paused; nothing while writes work. */
export function WriteAccessNotice(props: { access?: WriteAccess }) {
  const own = useWriteAccess();
  const access = props.access ?? own;
  if (access.allowed) return null;
  return (
    <Alert severity="info" data-testid="write-access-notice" sx={{ mb: 2 }}>
      {access.reason}.
    </Alert>
  );
}
