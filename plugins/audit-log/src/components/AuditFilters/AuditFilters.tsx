import { ReactNode, useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonGroup from '@mui/material/ButtonGroup';
import TextField from '@mui/material/TextField';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  FilterOption,
  MultiSelectFilter,
} from '@internal/backstage-plugin-portal-react';
import {
  AuditEventFilter,
  OUTCOMES,
  SEVERITIES,
} from '@internal/backstage-plugin-audit-log-common';
import { auditLogApiRef } from '../../api';
import { OUTCOME_LABELS, SEVERITY_LABELS } from '../../format';
import {
  FilterKey,
  isFilterEmpty,
  isoToLocalInput,
  localInputToIso,
} from './useAuditFilter';

/** How long typing may pause before a text filter applies. */
export const TEXT_FILTER_DELAY_MS = 500;

const MultiSelect = (props: {
  id: FilterKey;
  label: string;
  options: FilterOption[];
  selected: string[];
  onChange: (values: string[]) => void;
}) => (
  <MultiSelectFilter
    {...props}
    testId={`audit-filter-${props.id}`}
    minWidth={160}
    maxWidth={280}
  />
);

/**
 * A text filter that applies on Enter, when it loses focus, or once typing
 * pauses, rather than querying the backend on every key.
 */
const TextFilter = (props: {
  id: FilterKey;
  label: string;
  value: string;
  placeholder?: string;
  helperText?: string;
  width?: number;
  onCommit: (value: string) => void;
}) => {
  const { id, label, value, placeholder, helperText, width, onCommit } = props;
  const [draft, setDraft] = useState(value);
  const committed = useRef(value);
  // The latest callback, for a commit that fires after a pause.
  const onCommitRef = useRef(onCommit);
  onCommitRef.current = onCommit;

  useEffect(() => {
    committed.current = value;
    setDraft(value);
  }, [value]);

  const commit = (next: string) => {
    if (next.trim() !== committed.current) {
      committed.current = next.trim();
      onCommitRef.current(next.trim());
    }
  };

  useEffect(() => {
    if (draft.trim() === committed.current) return undefined;
    const timer = setTimeout(() => commit(draft), TEXT_FILTER_DELAY_MS);
    return () => clearTimeout(timer);
    // commit only reads the ref and the callback
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft]);

  return (
    <TextField
      size="small"
      id={`audit-filter-${id}`}
      label={label}
      value={draft}
      placeholder={placeholder}
      helperText={helperText}
      InputLabelProps={{ shrink: true }}
      sx={{ width: width ?? 200 }}
      onChange={event => setDraft(event.target.value)}
      onBlur={() => commit(draft)}
      onKeyDown={event => {
        if (event.key === 'Enter') commit(draft);
      }}
    />
  );
};

const TimeFilter = (props: {
  id: 'from' | 'to';
  label: string;
  value?: string;
  onChange: (iso: string | undefined) => void;
}) => (
  <TextField
    size="small"
    type="datetime-local"
    id={`audit-filter-${props.id}`}
    label={props.label}
    value={isoToLocalInput(props.value)}
    InputLabelProps={{ shrink: true }}
    helperText="Your local time"
    onChange={event => props.onChange(localInputToIso(event.target.value))}
  />
);

/** The choices of a filter: what the log holds, and what the URL asks for. */
const choices = (known: string[] | undefined, selected: string[] = []) =>
  [...new Set([...(known ?? []), ...selected])]
    .sort()
    .map(value => ({ value, label: value }));

const HOUR_MS = 3_600_000;

/** The periods a filter sets with one click: its start, until now. */
export const PERIOD_PRESETS = [
  { label: '24 h', title: 'Last 24 hours', hours: 24 },
  { label: '7 d', title: 'Last 7 days', hours: 24 * 7 },
  { label: '30 d', title: 'Last 30 days', hours: 24 * 30 },
] as const;

/** The start of the last `hours`, to the minute (so that the URL stays short). */
export function periodStart(hours: number, now = Date.now()): string {
  const start = new Date(now - hours * HOUR_MS);
  start.setUTCSeconds(0, 0);
  return start.toISOString();
}

/** The preset the filter's period matches (started within a minute of it), if any. */
export function activePreset(
  filter: AuditEventFilter,
  now = Date.now(),
): number | undefined {
  if (!filter.from || filter.to) return undefined;
  const from = new Date(filter.from).getTime();
  return PERIOD_PRESETS.find(
    preset => Math.abs(now - preset.hours * HOUR_MS - from) < 2 * 60_000,
  )?.hours;
}

/** The event filters, "Clear" and room for the page's actions (Export). */
export const AuditFilters = (props: {
  filter: AuditEventFilter;
  /** Receives the filters that changed; the others stay as they are. */
  onChange: (patch: AuditEventFilter) => void;
  onClear: () => void;
  actions?: ReactNode;
}) => {
  const { filter, onChange, onClear, actions } = props;
  const api = useApi(auditLogApiRef);
  // the choices are a help: without them the filters still apply from the URL
  const { value: held } = useAsync(() => api.listValues(), [api]);
  // Remounts the text fields on Clear so a half-typed value goes too.
  const [generation, setGeneration] = useState(0);
  const set = <K extends FilterKey>(key: K, value: AuditEventFilter[K]) =>
    onChange({ [key]: value });

  return (
    <Box
      role="search"
      aria-label="Filter audit events"
      sx={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'flex-start',
        gap: 2,
        mb: 2,
      }}
    >
      <TextFilter
        key={`actor-${generation}`}
        id="actor"
        label="Actor"
        placeholder="user:default/eli.martin"
        helperText="Either actor, by entity ref"
        width={240}
        value={filter.actor ?? ''}
        onCommit={value => set('actor', value || undefined)}
      />
      <MultiSelect
        id="action"
        label="Action"
        options={choices(held?.actions, filter.action)}
        selected={filter.action ?? []}
        onChange={selected => set('action', selected)}
      />
      <MultiSelect
        id="plugin"
        label="Plugin"
        options={choices(held?.plugins, filter.plugin)}
        selected={filter.plugin ?? []}
        onChange={selected => set('plugin', selected)}
      />
      <TextFilter
        key={`target-${generation}`}
        id="target"
        label="Target"
        placeholder="component:default/payments"
        width={240}
        value={([] as string[]).concat(filter.target ?? []).join(', ')}
        onCommit={value => set('target', value || undefined)}
      />
      <MultiSelect
        id="severity"
        label="Severity"
        options={SEVERITIES.map(s => ({ value: s, label: SEVERITY_LABELS[s] }))}
        selected={filter.severity ?? []}
        onChange={values =>
          set(
            'severity',
            SEVERITIES.filter(s => values.includes(s)),
          )
        }
      />
      <MultiSelect
        id="outcome"
        label="Outcome"
        options={OUTCOMES.map(o => ({ value: o, label: OUTCOME_LABELS[o] }))}
        selected={filter.outcome ?? []}
        onChange={values =>
          set(
            'outcome',
            OUTCOMES.filter(o => values.includes(o)),
          )
        }
      />
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 0.5 }}>
        <ButtonGroup size="small" aria-label="Period" sx={{ height: 40 }}>
          {PERIOD_PRESETS.map(preset => (
            <Button
              key={preset.label}
              aria-label={preset.title}
              title={preset.title}
              variant={
                activePreset(filter) === preset.hours ? 'contained' : 'outlined'
              }
              onClick={() =>
                onChange({ from: periodStart(preset.hours), to: undefined })
              }
              sx={{ whiteSpace: 'nowrap' }}
            >
              {preset.label}
            </Button>
          ))}
        </ButtonGroup>
      </Box>
      <TimeFilter
        id="from"
        label="From"
        value={filter.from}
        onChange={iso => set('from', iso)}
      />
      <TimeFilter
        id="to"
        label="Until"
        value={filter.to}
        onChange={iso => set('to', iso)}
      />
      <TextFilter
        key={`q-${generation}`}
        id="q"
        label="Search"
        placeholder="Words in meta, action, target, error"
        width={260}
        value={filter.q ?? ''}
        onCommit={value => set('q', value || undefined)}
      />
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', height: 40 }}>
        <Button
          variant="text"
          onClick={() => {
            setGeneration(g => g + 1);
            onClear();
          }}
          disabled={isFilterEmpty(filter)}
          data-testid="audit-clear-filters"
        >
          Clear
        </Button>
        {actions}
      </Box>
    </Box>
  );
};
