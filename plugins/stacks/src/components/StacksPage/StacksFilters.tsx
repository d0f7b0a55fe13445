import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  FilterOption,
  MultiSelectFilter,
} from '@internal/backstage-plugin-portal-react';
import {
  DOC_STATUSES,
  LAYERS,
  PRIORITIES,
  StackDomain,
  StacksFilter,
} from '@internal/backstage-plugin-stacks-common';
import { DOC_STATUS_LABELS, layerLabel, PRIORITY_LABELS } from '../../labels';
import { FilterKey, isFilterEmpty } from './useStacksFilter';

const Filter = (props: {
  id: FilterKey;
  label: string;
  options: FilterOption[];
  selected: string[];
  onChange: (values: string[]) => void;
  labelOf?: (value: string) => string;
}) => (
  <MultiSelectFilter
    {...props}
    testId={`stacks-filter-${props.id}`}
    minWidth={200}
    maxWidth={320}
  />
);

const domainOptions = (domains: StackDomain[]): FilterOption[] =>
  domains.map(domain => ({ value: domain.entityRef, label: domain.title }));

/** A domain named in a shared link but holding no stack: by its name. */
const domainName = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

/** The four filters, "Clear filters" and how many stacks are shown. */
export const StacksFilters = (props: {
  filter: StacksFilter;
  domains: StackDomain[];
  shown?: number;
  total?: number;
  onChange: (filter: StacksFilter) => void;
  onClear: () => void;
}) => {
  const { filter, domains, shown, total, onChange, onClear } = props;
  const set = (key: FilterKey) => (values: string[]) =>
    onChange({ ...filter, [key]: values });

  return (
    <Box
      role="search"
      aria-label="Filter stacks"
      sx={{
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: 2,
        my: 3,
      }}
    >
      <Filter
        id="domain"
        label="Domain"
        options={domainOptions(domains)}
        labelOf={domainName}
        selected={filter.domain ?? []}
        onChange={set('domain')}
      />
      <Filter
        id="layer"
        label="Layer"
        options={LAYERS.map(layer => ({
          value: layer,
          label: layerLabel(layer),
        }))}
        selected={filter.layer ?? []}
        onChange={set('layer')}
      />
      <Filter
        id="priority"
        label="Priority"
        options={PRIORITIES.map(p => ({ value: p, label: PRIORITY_LABELS[p] }))}
        selected={filter.priority ?? []}
        onChange={set('priority')}
      />
      <Filter
        id="status"
        label="Documentation status"
        options={DOC_STATUSES.map(s => ({
          value: s,
          label: DOC_STATUS_LABELS[s],
        }))}
        selected={filter.status ?? []}
        onChange={set('status')}
      />
      <Button
        variant="text"
        onClick={onClear}
        disabled={isFilterEmpty(filter)}
        data-testid="stacks-clear-filters"
      >
        Clear filters
      </Button>
      {shown !== undefined && total !== undefined && (
        <Typography
          role="status"
          data-testid="stacks-count"
          variant="body2"
          color="text.secondary"
          sx={{ ml: 'auto' }}
        >
          {shown} of {total} stacks
        </Typography>
      )}
    </Box>
  );
};
