import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Typography from '@mui/material/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  DOC_STATUSES,
  LAYERS,
  PRIORITIES,
  StackDomain,
  StacksFilter,
} from '@internal/backstage-plugin-stacks-common';
import { DOC_STATUS_LABELS, layerLabel, PRIORITY_LABELS } from '../../labels';
import { FilterKey, isFilterEmpty } from './useStacksFilter';

interface Option {
  value: string;
  label: string;
}

const MultiSelect = (props: {
  id: FilterKey;
  label: string;
  options: Option[];
  selected: string[];
  onChange: (values: string[]) => void;
}) => {
  const { id, label, options, selected, onChange } = props;
  const labelId = `stacks-filter-${id}-label`;
  const titleOf = (value: string) =>
    options.find(option => option.value === value)?.label ?? value;
  return (
    <FormControl
      size="small"
      sx={{ minWidth: 200, maxWidth: 320 }}
      data-testid={`stacks-filter-${id}`}
    >
      <InputLabel id={labelId} shrink>
        {label}
      </InputLabel>
      <Select<string[]>
        multiple
        displayEmpty
        notched
        labelId={labelId}
        label={label}
        value={selected}
        onChange={event => {
          const value = event.target.value;
          onChange(typeof value === 'string' ? value.split(',') : value);
        }}
        renderValue={values =>
          values.length === 0 ? 'All' : values.map(titleOf).join(', ')
        }
      >
        {options.map(option => (
          <MenuItem key={option.value} value={option.value} dense>
            <Checkbox
              size="small"
              checked={selected.includes(option.value)}
              tabIndex={-1}
              disableRipple
              sx={{ py: 0, pl: 0 }}
            />
            <ListItemText primary={option.label} />
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
};

const domainOptions = (domains: StackDomain[], selected: string[] = []) => {
  const options: Option[] = domains.map(domain => ({
    value: domain.entityRef,
    label: domain.title,
  }));
  // A domain named in a shared link but holding no stack stays removable.
  for (const ref of selected) {
    if (!options.some(option => option.value === ref)) {
      let label = ref;
      try {
        label = parseEntityRef(ref).name;
      } catch {
        // shown as written
      }
      options.push({ value: ref, label });
    }
  }
  return options;
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
      <MultiSelect
        id="domain"
        label="Domain"
        options={domainOptions(domains, filter.domain)}
        selected={filter.domain ?? []}
        onChange={set('domain')}
      />
      <MultiSelect
        id="layer"
        label="Layer"
        options={LAYERS.map(layer => ({
          value: layer,
          label: layerLabel(layer),
        }))}
        selected={filter.layer ?? []}
        onChange={set('layer')}
      />
      <MultiSelect
        id="priority"
        label="Priority"
        options={PRIORITIES.map(p => ({ value: p, label: PRIORITY_LABELS[p] }))}
        selected={filter.priority ?? []}
        onChange={set('priority')}
      />
      <MultiSelect
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
