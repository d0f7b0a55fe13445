import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';

export interface PendingToggle {
  project: string;
  flag: string;
  environment: string;
  enabled: boolean;
  protected: boolean;
}

/**
 * Confirms a toggle. In a protected environment it asks for the reason and
 * says that a second admin must approve.
 */
export function ToggleDialog(props: {
  toggle?: PendingToggle;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: (reason?: string) => void;
}) {
  const { toggle, busy, error, onCancel, onConfirm } = props;
  const [reason, setReason] = useState('');
  if (!toggle) return null;
  const verb = toggle.enabled ? 'Turn on' : 'Turn off';
  return (
    <Dialog open onClose={busy ? undefined : onCancel} maxWidth="sm" fullWidth>
      <DialogTitle>
        {toggle.protected ? 'Request: ' : ''}
        {verb} {toggle.flag} in {toggle.environment}?
      </DialogTitle>
      <DialogContent>
        {toggle.protected ? (
          <>
            <DialogContentText sx={{ mb: 2 }}>
              {toggle.environment} is protected: this becomes a change request
              that another admin approves. It is applied when they approve it.
            </DialogContentText>
            <TextField
              fullWidth
              multiline
              minRows={2}
              required
              label="Reason"
              value={reason}
              onChange={e => setReason(e.target.value)}
              helperText="Why is this change needed? The approver and the audit log see it."
              inputProps={{ 'aria-label': 'Reason' }}
            />
          </>
        ) : (
          <DialogContentText>
            Clients of {toggle.environment} see the change on their next poll.
          </DialogContentText>
        )}
        {error && (
          <DialogContentText color="error" sx={{ mt: 2 }} role="alert">
            {error}
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          disabled={busy || (toggle.protected && reason.trim() === '')}
          onClick={() =>
            onConfirm(toggle.protected ? reason.trim() : undefined)
          }
        >
          {toggle.protected ? 'Request change' : verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
