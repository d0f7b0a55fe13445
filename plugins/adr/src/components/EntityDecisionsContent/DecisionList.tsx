import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutline';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import { Link as RouterLink } from 'react-router-dom';
import { AdrProblem, AdrSummary } from '@internal/backstage-plugin-adr-common';
import { StatusChip } from '../StatusChip';

const ProblemMark = ({ problems }: { problems: AdrProblem[] }) => {
  if (!problems.length) return null;
  const errors = problems.some(p => p.severity === 'error');
  return (
    <Tooltip title={problems.map(p => `${p.rule}: ${p.message}`).join('\n')}>
      {errors ? (
        <ErrorOutlineIcon
          color="error"
          fontSize="small"
          titleAccess={`${problems.length} problems`}
        />
      ) : (
        <WarningAmberIcon
          color="warning"
          fontSize="small"
          titleAccess={`${problems.length} warnings`}
        />
      )}
    </Tooltip>
  );
};

/**
 * An entity's decisions by number, each with status and date, and the files
 * that could not be read or parsed, listed with their error.
 */
export const DecisionList = ({
  adrs,
  unreadable,
  selected,
  hrefOf,
}: {
  adrs: AdrSummary[];
  unreadable: AdrProblem[];
  selected?: string;
  hrefOf: (key: string) => string;
}) => (
  <List dense aria-label="Decisions" disablePadding>
    {adrs.map(adr => (
      <ListItemButton
        key={adr.key}
        component={RouterLink}
        to={hrefOf(adr.key)}
        selected={adr.key === selected}
        data-testid={`adr-item-${adr.key}`}
        aria-current={adr.key === selected ? 'true' : undefined}
      >
        <ListItemText
          primary={`${adr.id ? `${adr.id}: ` : ''}${adr.title}`}
          primaryTypographyProps={{
            variant: 'body2',
            fontWeight: adr.key === selected ? 600 : undefined,
            sx: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
          }}
          secondary={
            <Box
              component="span"
              sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 0.5 }}
            >
              <StatusChip status={adr.status} statusText={adr.statusText} />
              <Typography
                component="span"
                variant="caption"
                color="text.secondary"
              >
                {adr.date ?? 'no date'}
              </Typography>
            </Box>
          }
        />
        <ProblemMark problems={adr.problems} />
      </ListItemButton>
    ))}
    {unreadable.map(problem => (
      <ListItem
        key={`${problem.file}-${problem.rule}`}
        data-testid={`adr-unreadable-${problem.file}`}
      >
        <ListItemText
          primary={problem.file}
          primaryTypographyProps={{ variant: 'body2', color: 'error' }}
          secondary={`${problem.rule}: ${problem.message}`}
        />
      </ListItem>
    ))}
  </List>
);
