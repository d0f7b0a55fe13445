import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type {
  Environment,
  Flag,
} from '@internal/backstage-plugin-feature-flags-common';
import {
  useWriteAccess,
  WriteAccessNotice,
} from '@internal/backstage-plugin-admin-react';
import { featureFlagsApiRef } from '../api';
import { ChangeRequestsCard } from './ChangeRequestsCard';
import { DecidedChangeRequests } from './DecidedChangeRequests';
import { DegradedBanner } from './DegradedBanner';
import { FlagDetailsDialog } from './FlagDetailsDialog';
import { FlagMatrix } from './FlagMatrix';
import { PendingToggle, ToggleDialog } from './ToggleDialogs';
import { useFlags } from './useFlags';

const ALL = '';
/** The URL parameter that names the open flag, `<project>/<name>`. */
export const FLAG_PARAM = 'flag';

function Select(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      sx={{ minWidth: 160 }}
    >
      <MenuItem value={ALL}>All</MenuItem>
      {props.options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
}

function emptyMessage(total: number, entityRef?: string) {
  if (total > 0) return 'No flag matches the search and filters.';
  if (entityRef)
    return 'No flag named by this entity exists yet (stackportal.io/unleash-flags).';
  return 'No flags yet.';
}

const tagValues = (flags: Flag[], type: string) =>
  [
    ...new Set(
      flags.flatMap(f => f.tags.filter(t => t.type === type).map(t => t.value)),
    ),
  ].sort();

/** The flags matrix with search and filters, toggles, change requests and details; the page and the entity tab share it. */
export function FlagsView(props: {
  entityRef?: string;
  showFilters?: boolean;
}) {
  const api = useApi(featureFlagsApiRef);
  const access = useWriteAccess();
  const { data, capabilities, pending, error, loading, reload } = useFlags(
    props.entityRef,
  );
  const [query, setQuery] = useState('');
  const [stack, setStack] = useState(ALL);
  const [capability, setCapability] = useState(ALL);
  const [tag, setTag] = useState(ALL);
  const [type, setType] = useState(ALL);
  const [toggle, setToggle] = useState<PendingToggle>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [toggleError, setToggleError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  // `?flag=<project>/<name>` opens that flag's dialog (the audit log links here)
  const [searchParams, setSearchParams] = useSearchParams();
  const openFlag = searchParams.get(FLAG_PARAM) ?? undefined;
  const setOpenFlag = (value: string | undefined) =>
    setSearchParams(
      current => {
        const next = new URLSearchParams(current);
        if (value) next.set(FLAG_PARAM, value);
        else next.delete(FLAG_PARAM);
        return next;
      },
      { replace: true },
    );

  const flags = useMemo(() => data?.flags ?? [], [data]);
  const options = useMemo(
    () => ({
      stacks: [
        ...new Set([
          ...tagValues(flags, 'stack'),
          ...flags.flatMap(f => f.entities.map(e => e.stack ?? '')),
        ]),
      ]
        .filter(Boolean)
        .sort(),
      capabilities: tagValues(flags, 'capability'),
      tags: [
        ...new Set(flags.flatMap(f => f.tags.map(t => `${t.type}:${t.value}`))),
      ].sort(),
      types: [...new Set(flags.map(f => f.type))].sort(),
    }),
    [flags],
  );
  const shown = flags.filter(f => {
    const q = query.trim().toLowerCase();
    if (
      q &&
      !`${f.name} ${f.description} ${f.project}`.toLowerCase().includes(q)
    )
      return false;
    if (
      stack &&
      !f.tags.some(t => t.type === 'stack' && t.value === stack) &&
      !f.entities.some(e => e.stack === stack)
    )
      return false;
    if (
      capability &&
      !f.tags.some(t => t.type === 'capability' && t.value === capability)
    )
      return false;
    if (tag && !f.tags.some(t => `${t.type}:${t.value}` === tag)) return false;
    if (type && f.type !== type) return false;
    return true;
  });

  if (loading && !data) return <Progress />;
  if (error && !data) return <ResponseErrorPanel error={error} />;
  if (!data) return null;

  const onToggle = (flag: Flag, env: Environment, enabled: boolean) => {
    setToggleError(undefined);
    setNotice(undefined);
    setToggle({
      project: flag.project,
      flag: flag.name,
      environment: env.name,
      enabled,
      protected: env.protected,
    });
  };

  const confirm = async (reason?: string) => {
    // one change per intent: a double click on the button sends one request
    if (!toggle || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      const result = await api.toggle(
        toggle.project,
        toggle.flag,
        toggle.environment,
        toggle.enabled,
        reason,
      );
      const state = `${toggle.enabled ? 'on' : 'off'} in ${toggle.environment}`;
      const notices = {
        'change-request': `Change request sent: ${toggle.flag} ${state} waits for another admin.`,
        unchanged: `${toggle.flag} already was ${state}.`,
        applied: `${toggle.flag} is ${state}.`,
      };
      setNotice(notices[result.outcome]);
      setToggle(undefined);
      await reload();
    } catch (e) {
      setToggleError((e as Error).message);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const selected = flags.find(f => `${f.project}/${f.name}` === openFlag);

  return (
    <Box>
      <DegradedBanner freshness={data} />
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          Could not refresh: {error.message}
        </Alert>
      )}
      {notice && (
        <Alert
          severity="success"
          sx={{ mb: 2 }}
          onClose={() => setNotice(undefined)}
          role="status"
        >
          {notice}
        </Alert>
      )}
      <WriteAccessNotice access={access} />
      {capabilities &&
        !capabilities.toggle &&
        !(capabilities.ownerToggleFlags ?? []).length && (
          <Alert severity="info" sx={{ mb: 2 }}>
            You can see the flags and preview them; changing them is for admins.
          </Alert>
        )}
      <Box sx={{ mb: 2 }}>
        <ChangeRequestsCard
          pending={pending.filter(
            cr =>
              !props.entityRef ||
              flags.some(f => f.name === cr.flag && f.project === cr.project),
          )}
          capabilities={capabilities}
          onChanged={reload}
        />
      </Box>
      <Paper variant="outlined">
        {props.showFilters !== false && (
          <Stack
            direction="row"
            spacing={2}
            sx={{ p: 2 }}
            flexWrap="wrap"
            useFlexGap
          >
            <TextField
              size="small"
              label="Search flags"
              value={query}
              onChange={e => setQuery(e.target.value)}
              sx={{ minWidth: 240 }}
              inputProps={{ 'aria-label': 'Search flags' }}
            />
            <Select
              label="Stack"
              value={stack}
              options={options.stacks}
              onChange={setStack}
            />
            <Select
              label="Capability"
              value={capability}
              options={options.capabilities}
              onChange={setCapability}
            />
            <Select
              label="Tag"
              value={tag}
              options={options.tags}
              onChange={setTag}
            />
            <Select
              label="Type"
              value={type}
              options={options.types}
              onChange={setType}
            />
          </Stack>
        )}
        {shown.length === 0 ? (
          <Typography sx={{ p: 3 }} color="text.secondary">
            {emptyMessage(flags.length, props.entityRef)}
          </Typography>
        ) : (
          <FlagMatrix
            flags={shown}
            environments={data.environments}
            capabilities={capabilities}
            pending={pending}
            disabled={busy || data.degraded}
            access={access}
            onToggle={onToggle}
            onOpen={f => setOpenFlag(`${f.project}/${f.name}`)}
          />
        )}
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ p: 2, display: 'block' }}
        >
          {shown.length} of {flags.length} flags · provider {data.provider}
          {data.provider === 'unleash' &&
            !data.degraded &&
            ` · read ${Math.round(data.ageMs / 1000)} s ago`}
        </Typography>
      </Paper>
      <Box sx={{ mt: 2 }}>
        <DecidedChangeRequests
          flags={
            props.entityRef
              ? flags.map(f => ({ project: f.project, name: f.name }))
              : undefined
          }
          reloadKey={pending.length}
        />
      </Box>
      <ToggleDialog
        key={
          toggle
            ? `${toggle.flag}/${toggle.environment}/${toggle.enabled}`
            : 'none'
        }
        toggle={toggle}
        busy={busy}
        error={toggleError}
        onCancel={() => setToggle(undefined)}
        onConfirm={confirm}
      />
      <FlagDetailsDialog
        key={openFlag ?? 'no-flag'}
        flag={selected}
        environments={data.environments}
        capabilities={capabilities}
        onClose={() => setOpenFlag(undefined)}
        onChanged={reload}
      />
    </Box>
  );
}
