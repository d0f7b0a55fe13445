import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  AdminUser,
  IMPERSONATION_LIMITS,
} from '@internal/backstage-plugin-admin-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { adminApiRef, ImpersonationConfig } from '../../api';
import { rememberImpersonation } from '../../identity';
import { loadPage } from '../../navigation';

const DEFAULT = 'default';

function describeSeconds(seconds: number): string {
  if (seconds % 60 === 0) {
    const minutes = seconds / 60;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

/** Who to see the portal as, why, and for how long; then the portal reloads as them. */
export const ImpersonationDialog = (props: {
  user?: AdminUser;
  onClose(): void;
}) => {
  const { user, onClose } = props;
  const adminApi = useApi(adminApiRef);
  const [config, setConfig] = useState<ImpersonationConfig>();
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [duration, setDuration] = useState<string>(DEFAULT);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!user) return;
    setReason('');
    setTicket('');
    setDuration(DEFAULT);
    setError(undefined);
    adminApi.getImpersonationConfig().then(setConfig, e => setError(e.message));
  }, [adminApi, user]);

  const minLength =
    config?.reasonMinLength ?? IMPERSONATION_LIMITS.reasonMinLength;
  const reasonTooShort = reason.trim().length < minLength;
  const choices = [5, 15, 30, 60].filter(
    m => m <= (config?.maxMinutes ?? IMPERSONATION_LIMITS.maxMinutes),
  );

  const start = async () => {
    if (!user) return;
    setSubmitting(true);
    setError(undefined);
    try {
      const session = await adminApi.startImpersonation({
        target: user.ref,
        reason: reason.trim(),
        ticket: ticket.trim() || undefined,
        durationMinutes: duration === DEFAULT ? undefined : Number(duration),
      });
      rememberImpersonation({
        sessionId: session.id,
        targetRef: session.targetRef,
        expiresAt: session.expiresAt,
      });
      // reload as the user: nothing cached under your identity stays on screen
      loadPage('/');
    } catch (e) {
      setSubmitting(false);
      setError((e as Error).message);
    }
  };

  return (
    <Dialog
      open={Boolean(user)}
      onClose={onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby="impersonate-title"
    >
      <DialogTitle id="impersonate-title">
        Impersonate {user?.displayName}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2} mt={1}>
          <Typography variant="body2">
            You will see Stack Portal exactly as {user?.displayName} (
            {user?.ref}) sees it: their catalog, permissions and pages.{' '}
            {config?.allowWrites
              ? 'Writes are allowed by config; every one is audited with your name.'
              : 'Nothing can be changed while impersonating.'}{' '}
            The session, its reason and every request are in the audit log, and{' '}
            {user?.displayName} is notified.
          </Typography>
          <TextField
            label="Reason"
            required
            multiline
            minRows={2}
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={reason.length > 0 && reasonTooShort}
            helperText={`Why you need to see the portal as them (at least ${minLength} characters)`}
            inputProps={{ maxLength: IMPERSONATION_LIMITS.reasonMaxLength }}
          />
          <TextField
            label="Ticket (optional)"
            value={ticket}
            onChange={e => setTicket(e.target.value)}
            inputProps={{ maxLength: IMPERSONATION_LIMITS.ticketMaxLength }}
          />
          <TextField
            select
            label="Duration"
            value={duration}
            onChange={e => setDuration(e.target.value)}
            helperText="The session ends by itself after this, even if you close the browser"
          >
            <MenuItem value={DEFAULT}>
              {config
                ? describeSeconds(config.defaultDurationSeconds)
                : '15 minutes'}{' '}
              (default)
            </MenuItem>
            {choices.map(m => (
              <MenuItem key={m} value={String(m)}>
                {m} minutes
              </MenuItem>
            ))}
          </TextField>
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          color="warning"
          onClick={start}
          disabled={reasonTooShort || submitting}
        >
          {submitting ? 'Starting…' : 'Start impersonating'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
