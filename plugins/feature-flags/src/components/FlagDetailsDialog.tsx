import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type {
  Environment,
  EvaluationResult,
  Flag,
  FlagCapabilities,
  Strategy,
} from '@internal/backstage-plugin-feature-flags-common';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { featureFlagsApiRef } from '../api';
import { FlagHistory } from './FlagHistory';
import { FlagLinks } from './FlagLinks';

const describeStrategy = (s: Strategy) => {
  const parts = [s.name];
  if (s.parameters.rollout !== undefined)
    parts.push(`${s.parameters.rollout}%`);
  if (s.parameters.userIds) parts.push(`users ${s.parameters.userIds}`);
  for (const c of s.constraints) {
    parts.push(
      `${c.contextName} ${c.inverted ? 'NOT ' : ''}${c.operator} [${
        c.value ?? c.values.join(', ')
      }]`,
    );
  }
  if (s.disabled) parts.push('(disabled)');
  return parts.join(' · ');
};

/** Tenant targeting of the first strategy: rollout and `tenantId IN [...]`. */
function TargetingForm(props: {
  flag: Flag;
  environment: string;
  isProtected: boolean;
  strategy?: Strategy;
  onSaved: () => void;
}) {
  const { flag, environment, isProtected, strategy, onSaved } = props;
  const api = useApi(featureFlagsApiRef);
  const tenantConstraint = strategy?.constraints.find(
    c => c.contextName === 'tenantId' && c.operator === 'IN',
  );
  const storedRollout = strategy?.parameters.rollout ?? '100';
  const storedTenants = tenantConstraint?.values.join(', ') ?? '';
  const [rollout, setRollout] = useState(storedRollout);
  const [tenants, setTenants] = useState(storedTenants);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  // the form follows what is stored when that changes (not on every reload of
  // the flags, which would wipe what someone is typing, or the message of a
  // save that the reload after it confirms)
  useEffect(() => {
    setRollout(storedRollout);
    setTenants(storedTenants);
  }, [storedRollout, storedTenants]);

  async function save() {
    setBusy(true);
    setMessage(undefined);
    const values = tenants
      .split(',')
      .map(t => t.trim())
      .filter(Boolean);
    const others = (strategy?.constraints ?? []).filter(
      c => c !== tenantConstraint,
    );
    try {
      const result = await api.saveStrategy(
        flag.project,
        flag.name,
        environment,
        strategy?.id,
        {
          parameters: {
            stickiness: 'default',
            groupId: flag.name,
            ...(strategy?.parameters ?? {}),
            rollout,
          },
          constraints: [
            ...others,
            ...(values.length
              ? [{ contextName: 'tenantId', operator: 'IN' as const, values }]
              : []),
          ],
          ...(isProtected ? { reason: reason.trim() } : {}),
        },
      );
      const what = `${
        values.length ? `tenants ${values.join(', ')}` : 'all tenants'
      }, ${rollout}%`;
      if (result.outcome === 'change-request') {
        setMessage({
          ok: true,
          text: `Change request sent: ${what} in ${environment} waits for another admin.`,
        });
        setReason('');
      } else {
        setMessage({ ok: true, text: `Saved: ${what}` });
      }
      onSaved();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box>
      <Typography variant="subtitle2" gutterBottom>
        Targeting in {environment}
      </Typography>
      <Stack direction="row" spacing={2} alignItems="flex-start">
        <TextField
          size="small"
          label="Rollout %"
          value={rollout}
          onChange={e => setRollout(e.target.value)}
          sx={{ width: 110 }}
          inputProps={{ 'aria-label': 'Rollout percentage' }}
        />
        <TextField
          size="small"
          label="Only tenants (tenantId IN)"
          placeholder="empty: every tenant"
          value={tenants}
          onChange={e => setTenants(e.target.value)}
          sx={{ flex: 1 }}
          inputProps={{ 'aria-label': 'Tenant ids' }}
        />
        <WriteGuard>
          <Button
            variant="outlined"
            onClick={save}
            disabled={busy || (isProtected && reason.trim() === '')}
          >
            {isProtected ? 'Request targeting change' : 'Save targeting'}
          </Button>
        </WriteGuard>
      </Stack>
      {isProtected && (
        <TextField
          fullWidth
          size="small"
          required
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          helperText={`${environment} is protected: saving becomes a change request that another admin approves.`}
          inputProps={{ 'aria-label': 'Targeting reason' }}
          sx={{ mt: 2 }}
        />
      )}
      {message && (
        <Alert severity={message.ok ? 'success' : 'error'} sx={{ mt: 1 }}>
          {message.text}
        </Alert>
      )}
    </Box>
  );
}

/** What `unleash-client` answers for a context, computed by the backend with the SDK itself. */
function EvaluationPreview(props: { flag: Flag; environment: string }) {
  const { flag, environment } = props;
  const api = useApi(featureFlagsApiRef);
  const [userId, setUserId] = useState('');
  const [tenantId, setTenantId] = useState('');
  const [extra, setExtra] = useState('');
  const [result, setResult] = useState<EvaluationResult>();
  const [error, setError] = useState<string>();

  async function run() {
    setError(undefined);
    const properties: Record<string, string> = {};
    for (const pair of extra
      .split(',')
      .map(p => p.trim())
      .filter(Boolean)) {
      const [key, ...rest] = pair.split('=');
      if (!key || !rest.length) {
        setError(`"${pair}" is not key=value`);
        return;
      }
      properties[key.trim()] = rest.join('=').trim();
    }
    try {
      setResult(
        await api.evaluate(flag.project, flag.name, environment, {
          ...(userId ? { userId } : {}),
          ...(tenantId ? { tenantId } : {}),
          ...(Object.keys(properties).length ? { properties } : {}),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Box>
      <Typography variant="subtitle2" gutterBottom>
        Evaluation preview in {environment}
      </Typography>
      <Stack direction="row" spacing={2}>
        <TextField
          size="small"
          label="userId"
          value={userId}
          onChange={e => setUserId(e.target.value)}
          inputProps={{ 'aria-label': 'userId' }}
        />
        <TextField
          size="small"
          label="tenantId"
          value={tenantId}
          onChange={e => setTenantId(e.target.value)}
          inputProps={{ 'aria-label': 'tenantId' }}
        />
        <TextField
          size="small"
          label="Other properties"
          placeholder="region=eu, plan=pro"
          value={extra}
          onChange={e => setExtra(e.target.value)}
          sx={{ flex: 1 }}
        />
        {/* the preview is asked by POST, which the request gate counts as a write */}
        <WriteGuard>
          <Button variant="contained" onClick={run}>
            Preview
          </Button>
        </WriteGuard>
      </Stack>
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
      {result && (
        <Alert
          severity={result.isEnabled ? 'success' : 'info'}
          sx={{ mt: 1 }}
          data-testid="evaluation-result"
        >
          isEnabled: <strong>{String(result.isEnabled)}</strong> · getVariant:{' '}
          <strong>{result.variant.name}</strong>
          {result.variant.payload &&
            ` (payload ${result.variant.payload.type} "${result.variant.payload.value}")`}
          {result.degraded &&
            ' · computed on the last good copy (Unleash is not answering)'}
        </Alert>
      )}
    </Box>
  );
}

/** A flag's strategies and variants per environment, targeting for admins, and the evaluation preview. */
export function FlagDetailsDialog(props: {
  flag?: Flag;
  environments: Environment[];
  capabilities?: FlagCapabilities;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { flag, environments, capabilities, onClose, onChanged } = props;
  const [environment, setEnvironment] = useState(environments[0]?.name ?? '');
  if (!flag) return null;
  const state = flag.environments.find(e => e.name === environment);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {flag.name}
        <Typography variant="body2" color="text.secondary">
          {flag.description || 'No description'} · {flag.type} · project{' '}
          {flag.project}
        </Typography>
      </DialogTitle>
      <DialogContent>
        <FlagLinks flag={flag} />
        <TextField
          select
          size="small"
          label="Environment"
          value={environment}
          onChange={e => setEnvironment(e.target.value)}
          sx={{ mt: 1, mb: 2, minWidth: 200 }}
        >
          {environments.map(env => (
            <MenuItem key={env.name} value={env.name}>
              {env.name}
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="subtitle2">
          {state?.enabled ? 'On' : 'Off'} in {environment}; strategies:
        </Typography>
        {(state?.strategies ?? []).length === 0 ? (
          <Typography color="text.secondary">
            None: when on, everyone gets it.
          </Typography>
        ) : (
          <ul>
            {state!.strategies.map(s => (
              <li key={s.id}>
                <Typography variant="body2">{describeStrategy(s)}</Typography>
              </li>
            ))}
          </ul>
        )}
        {(state?.variants ?? []).length > 0 && (
          <Typography variant="body2" sx={{ mb: 1 }}>
            Variants:{' '}
            {state!.variants
              .map(v => `${v.name} (${v.weight / 10}%)`)
              .join(', ')}
          </Typography>
        )}
        {capabilities?.updateStrategy && (
          <>
            <Divider sx={{ my: 2 }} />
            <TargetingForm
              key={`${flag.project}/${flag.name}/${environment}`}
              flag={flag}
              environment={environment}
              isProtected={Boolean(
                environments.find(e => e.name === environment)?.protected,
              )}
              strategy={state?.strategies[0]}
              onSaved={onChanged}
            />
          </>
        )}
        <Divider sx={{ my: 2 }} />
        <EvaluationPreview flag={flag} environment={environment} />
        <Divider sx={{ my: 2 }} />
        <FlagHistory flag={flag} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
