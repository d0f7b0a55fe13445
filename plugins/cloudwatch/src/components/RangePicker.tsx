import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import {
  METRIC_RANGE_NAMES,
  MetricRange,
} from '@internal/backstage-plugin-cloudwatch-common';

/** 1 h to 90 d, one click each. */
export function RangePicker(props: {
  value: MetricRange;
  onChange: (range: MetricRange) => void;
  ranges?: MetricRange[];
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.value}
      aria-label="Time range"
      onChange={(_, value) => value && props.onChange(value)}
    >
      {(props.ranges ?? METRIC_RANGE_NAMES).map(range => (
        <ToggleButton key={range} value={range} aria-label={`Last ${range}`}>
          {range}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
