import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import InputAdornment from '@mui/material/InputAdornment';
import SearchIcon from '@mui/icons-material/Search';
import { useEffect, useRef, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import {
  ADR_STATUSES,
  AdrIndexFilter,
  AdrIndexResponse,
} from '@internal/backstage-plugin-adr-common';
import {
  FilterOption,
  MultiSelectFilter,
} from '@internal/backstage-plugin-portal-react';
import { STATUS_LABELS } from '../StatusChip';
import { isFilterEmpty, Q_MAX } from './useDecisionsFilter';

/** How long typing pauses before the decisions are asked for again. */
const TYPING_PAUSE_MS = 300;

const MultiSelect = (props: {
  id: string;
  label: string;
  options: FilterOption[];
  selected: string[];
  onChange: (values: string[]) => void;
}) => <MultiSelectFilter {...props} testId={`decisions-filter-${props.id}`} />;

/**
 * Words to find in a decision's title, number or text; the list follows once
 * typing pauses (or at Enter). The box follows the URL when it changes
 * otherwise (Clear filters, back), but never undoes what is being typed.
 */
const TextSearch = (props: {
  value?: string;
  onChange: (q: string | undefined) => void;
}) => {
  const { value, onChange } = props;
  const [text, setText] = useState(value ?? '');
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value ?? '');
    }
  }, [value]);
  const apply = () => {
    const q = text.trim() || undefined;
    if (q === sent.current) return;
    sent.current = q;
    onChange(q);
  };
  useDebounce(apply, TYPING_PAUSE_MS, [text]);
  return (
    <TextField
      size="small"
      type="search"
      label="Search decisions"
      placeholder="Words in the title or text"
      value={text}
      onChange={e => setText(e.target.value.slice(0, Q_MAX))}
      onKeyDown={e => {
        if (e.key === 'Enter') apply();
      }}
      InputLabelProps={{ shrink: true }}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon fontSize="small" />
          </InputAdornment>
        ),
      }}
      inputProps={{ 'data-testid': 'decisions-filter-q' }}
      sx={{ minWidth: 260 }}
    />
  );
};

/** Text search, status, stack, system, decider and date range; "Clear filters"; how many are shown. */
export const DecisionsFilters = (props: {
  filter: AdrIndexFilter;
  facets?: AdrIndexResponse['facets'];
  shown?: number;
  total?: number;
  onChange: (filter: AdrIndexFilter) => void;
  onTextChange: (q: string | undefined) => void;
  onClear: () => void;
}) => {
  const { filter, facets, shown, total, onChange, onTextChange, onClear } =
    props;
  const set = (key: keyof AdrIndexFilter) => (values: string[] | string) =>
    onChange({ ...filter, [key]: values || undefined });
  const count = (status: string) =>
    facets?.statuses[status as keyof typeof facets.statuses] ?? 0;
  return (
    <Box
      role="search"
      aria-label="Filter decisions"
      sx={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: 2,
        my: 3,
      }}
    >
      <TextSearch value={filter.q} onChange={onTextChange} />
      <MultiSelect
        id="status"
        label="Status"
        options={ADR_STATUSES.map(s => ({
          value: s,
          label: `${STATUS_LABELS[s]} (${count(s)})`,
        }))}
        selected={filter.status ?? []}
        onChange={set('status')}
      />
      <MultiSelect
        id="stack"
        label="Stack"
        options={(facets?.stacks ?? []).map(s => ({
          value: s.entityRef,
          label: s.title,
        }))}
        selected={filter.stack ?? []}
        onChange={set('stack')}
      />
      <MultiSelect
        id="system"
        label="System"
        options={(facets?.systems ?? []).map(s => ({
          value: s.entityRef,
          label: s.title,
        }))}
        selected={filter.system ?? []}
        onChange={set('system')}
      />
      <MultiSelect
        id="decider"
        label="Decider"
        options={(facets?.deciders ?? []).map(d => ({ value: d, label: d }))}
        selected={filter.decider ?? []}
        onChange={set('decider')}
      />
      <TextField
        size="small"
        type="date"
        label="Decided from"
        InputLabelProps={{ shrink: true }}
        value={filter.from ?? ''}
        onChange={e => set('from')(e.target.value)}
        inputProps={{ 'data-testid': 'decisions-filter-from' }}
      />
      <TextField
        size="small"
        type="date"
        label="Decided until"
        InputLabelProps={{ shrink: true }}
        value={filter.to ?? ''}
        onChange={e => set('to')(e.target.value)}
        inputProps={{ 'data-testid': 'decisions-filter-to' }}
      />
      <Button variant="text" onClick={onClear} disabled={isFilterEmpty(filter)}>
        Clear filters
      </Button>
      {shown !== undefined && total !== undefined && (
        <Typography
          role="status"
          data-testid="decisions-count"
          variant="body2"
          color="text.secondary"
          sx={{ ml: 'auto' }}
        >
          {shown} of {total} decisions
        </Typography>
      )}
    </Box>
  );
};
