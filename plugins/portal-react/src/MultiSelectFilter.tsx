import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';

/** One choice of a filter: the value it sends, the words it shows. */
export interface FilterOption {
  value: string;
  label: string;
}

/**
 * The choices to show: `options`, then each selected value that is not one of
 * them (a value from a shared link that nothing holds today), so that it stays
 * visible and can be removed. `labelOf` names those; by default, as written.
 */
export function optionsWithSelected(
  options: FilterOption[],
  selected: string[],
  labelOf: (value: string) => string = value => value,
): FilterOption[] {
  const known = new Set(options.map(option => option.value));
  return [
    ...options,
    ...selected
      .filter(value => !known.has(value))
      .map(value => ({ value, label: labelOf(value) })),
  ];
}

/**
 * A labelled multi-select of checkboxes that reads "All" when nothing is
 * chosen: the filter of the Stacks, Decisions and Compliance pages.
 * `testId` names the control (`stacks-filter-layer`) and, with `-label`, its label.
 */
export const MultiSelectFilter = (props: {
  testId: string;
  label: string;
  options: FilterOption[];
  selected: string[];
  onChange: (values: string[]) => void;
  /** Names a selected value that is not among `options`. */
  labelOf?: (value: string) => string;
  minWidth?: number;
  maxWidth?: number;
}) => {
  const { testId, label, selected, onChange, labelOf } = props;
  const options = optionsWithSelected(props.options, selected, labelOf);
  const labelId = `${testId}-label`;
  const titleOf = (value: string) =>
    options.find(option => option.value === value)?.label ?? value;
  return (
    <FormControl
      size="small"
      sx={{ minWidth: props.minWidth ?? 180, maxWidth: props.maxWidth ?? 300 }}
      data-testid={testId}
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
