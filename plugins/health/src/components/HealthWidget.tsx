import { Link, Progress, WarningPanel } from '@backstage/core-components';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { StatusChip } from './StatusChip';
import { healthTabPath } from './format';
import { useHealthList } from './useHealthList';

const SHOWN = 6;

/** The home widget: what is down, degraded or alerting; else that all is well. */
export const HealthWidgetContent = () => {
  const { value, error } = useHealthList();
  if (!value && error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load health"
        message={error.message}
      />
    );
  }
  if (!value) return <Progress />;
  const troubled = value.items.filter(
    i => i.status === 'down' || i.status === 'degraded' || i.alerts.length > 0,
  );
  const up = value.items.filter(i => i.status === 'up').length;
  if (!troubled.length) {
    return (
      <Typography variant="body2" color="text.secondary">
        All {up} probed entities are up; no burn-rate alert fires.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Entities needing attention">
      {troubled.slice(0, SHOWN).map(i => (
        <ListItem
          key={i.entityRef}
          disableGutters
          sx={{ gap: 1, justifyContent: 'space-between' }}
        >
          <Link to={healthTabPath(i.entityRef)}>{i.title ?? i.entityRef}</Link>
          <StatusChip status={i.status} />
        </ListItem>
      ))}
    </List>
  );
};

export const HealthWidgetActions = () => <Link to="/health">All health</Link>;
