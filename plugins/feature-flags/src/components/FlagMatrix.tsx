import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type {
  ChangeRequest,
  Environment,
  Flag,
  FlagCapabilities,
} from '@internal/backstage-plugin-feature-flags-common';
import {
  WriteAccess,
  WriteGuard,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';

/** Whether the caller may toggle this flag in this environment (the server checks again). */
export function mayToggle(
  caps: FlagCapabilities | undefined,
  flag: Flag,
  env: Environment,
): boolean {
  if (!caps) return false;
  if (caps.toggle) return true;
  return (
    !env.protected &&
    Boolean(caps.ownerToggleFlags?.includes(`${flag.project}/${flag.name}`))
  );
}

const who = (ref: string) => ref.replace(/^user:[^/]+\//, '');

/** Flags by environment: a switch per cell for those who may toggle, a state chip for the others. */
export function FlagMatrix(props: {
  flags: Flag[];
  environments: Environment[];
  capabilities?: FlagCapabilities;
  pending: ChangeRequest[];
  disabled?: boolean;
  /** Whether the person may write now; the switches say why not. */
  access?: WriteAccess;
  onToggle: (flag: Flag, env: Environment, enabled: boolean) => void;
  onOpen: (flag: Flag) => void;
}) {
  const {
    flags,
    environments,
    capabilities,
    pending,
    disabled,
    access = WRITES_ALLOWED,
    onToggle,
    onOpen,
  } = props;
  return (
    <Table size="small" aria-label="Feature flags by environment">
      <TableHead>
        <TableRow>
          <TableCell>Flag</TableCell>
          <TableCell>Type</TableCell>
          {environments.map(env => (
            <TableCell key={env.name} align="center">
              {env.name}
              {env.protected && (
                <Tooltip title="Protected: changes need a second admin">
                  <Chip size="small" label="protected" sx={{ ml: 1 }} />
                </Tooltip>
              )}
            </TableCell>
          ))}
          <TableCell>Last change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {flags.map(flag => (
          <TableRow
            key={`${flag.project}/${flag.name}`}
            data-testid={`flag-row-${flag.name}`}
            hover
          >
            <TableCell>
              <Link
                component="button"
                variant="body2"
                onClick={() => onOpen(flag)}
                sx={{ fontWeight: 600 }}
              >
                {flag.name}
              </Link>
              {flag.stale && (
                <Chip
                  size="small"
                  color="warning"
                  label="stale"
                  sx={{ ml: 1 }}
                />
              )}
              {!flag.stale && flag.potentiallyStale && (
                <Tooltip title="Older than its type's expected lifetime (Unleash): a candidate for removal">
                  <Chip
                    size="small"
                    color="warning"
                    variant="outlined"
                    label="potentially stale"
                    sx={{ ml: 1 }}
                  />
                </Tooltip>
              )}
              {flag.lifecycle && flag.lifecycle !== 'live' && (
                <Chip
                  size="small"
                  variant="outlined"
                  label={flag.lifecycle}
                  sx={{ ml: 1 }}
                />
              )}
              <Typography
                variant="caption"
                display="block"
                color="text.secondary"
              >
                {flag.project}
                {flag.entities.length > 0 &&
                  ` · ${flag.entities
                    .map(e => e.title ?? e.entityRef)
                    .join(', ')}`}
              </Typography>
            </TableCell>
            <TableCell>{flag.type}</TableCell>
            {environments.map(env => {
              const state = flag.environments.find(e => e.name === env.name);
              const enabled = Boolean(state?.enabled);
              const waiting = pending.find(
                cr =>
                  cr.project === flag.project &&
                  cr.flag === flag.name &&
                  cr.environment === env.name,
              );
              const label = `${flag.name} in ${env.name}`;
              return (
                <TableCell key={env.name} align="center">
                  {mayToggle(capabilities, flag, env) ? (
                    <WriteGuard access={access}>
                      <Switch
                        checked={enabled}
                        disabled={disabled || Boolean(waiting)}
                        onChange={(_, checked) => onToggle(flag, env, checked)}
                        inputProps={{ 'aria-label': label }}
                      />
                    </WriteGuard>
                  ) : (
                    <Chip
                      size="small"
                      aria-label={`${label}: ${enabled ? 'on' : 'off'}`}
                      color={enabled ? 'success' : 'default'}
                      label={enabled ? 'on' : 'off'}
                    />
                  )}
                  {waiting && (
                    <Typography
                      variant="caption"
                      display="block"
                      color="warning.main"
                    >
                      {waiting.kind === 'toggle'
                        ? `${waiting.enabled ? 'on' : 'off'} requested`
                        : `${waiting.kind} change requested`}
                    </Typography>
                  )}
                </TableCell>
              );
            })}
            <TableCell>
              {flag.lastChange ? (
                <Box>
                  <Typography variant="body2">
                    {who(flag.lastChange.actor)}
                  </Typography>
                  <Typography
                    variant="caption"
                    color="text.secondary"
                    title={flag.lastChange.summary}
                  >
                    {new Date(flag.lastChange.at).toLocaleString()}
                  </Typography>
                </Box>
              ) : (
                <Typography variant="caption" color="text.secondary">
                  not through the portal
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
