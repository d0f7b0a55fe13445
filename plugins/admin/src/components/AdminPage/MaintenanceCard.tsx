import { useCallback, useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { MaintenanceState } from '@internal/backstage-plugin-admin-common';
import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { adminApiRef } from '../../api';
import { announceMaintenance } from '../PortalBanners/maintenanceSignal';
import { when, useLoad, Loaded } from './shared';

export const MaintenanceCard = () => {
  const adminApi = useApi(adminApiRef);
  const current = useLoad(
    useCallback(() => adminApi.getMaintenance(), [adminApi]),
  );
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => setMessage(current.value?.message ?? ''), [current.value]);

  const save = async (enabled: boolean) => {
    setSaving(true);
    setError(undefined);
    try {
      announceMaintenance(
        await adminApi.setMaintenance({
          enabled,
          message: message.trim() || undefined,
        }),
      );
      current.reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <InfoCard
      title="Maintenance mode"
      subheader="While on, every page shows the message and only admins can change anything"
    >
      <Loaded state={current} title="maintenance mode">
        {(state: MaintenanceState) => (
          <Stack spacing={2}>
            <TextField
              label="Message"
              value={message}
              onChange={e => setMessage(e.target.value)}
              helperText="What is happening and until when, e.g. “Database upgrade until 10:00 UTC”"
              inputProps={{ maxLength: 500 }}
            />
            <FormControlLabel
              control={
                <Switch
                  checked={state.enabled}
                  disabled={saving || (!state.enabled && !message.trim())}
                  onChange={e => save(e.target.checked)}
                />
              }
              label={state.enabled ? 'On' : 'Off'}
            />
            {state.updatedBy && (
              <Typography variant="caption" color="text.secondary">
                Last changed by {state.updatedBy} at {when(state.updatedAt)}
              </Typography>
            )}
            {error && <Alert severity="error">{error}</Alert>}
          </Stack>
        )}
      </Loaded>
    </InfoCard>
  );
};
