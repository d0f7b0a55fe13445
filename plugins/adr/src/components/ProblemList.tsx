import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutline';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import { AdrProblem } from '@internal/backstage-plugin-adr-common';

/** Problems of the checks, each with the file and the rule it breaks. */
export const ProblemList = ({
  problems,
  label = 'Problems',
  showFile = true,
  prefix,
}: {
  problems: Array<AdrProblem & { entityRef?: string }>;
  label?: string;
  showFile?: boolean;
  prefix?: (problem: AdrProblem & { entityRef?: string }) => string | undefined;
}) => (
  <List dense aria-label={label} disablePadding>
    {problems.map((problem, i) => {
      const where = [
        prefix?.(problem),
        showFile ? problem.file : undefined,
        problem.fragment ? `#${problem.fragment}` : undefined,
      ]
        .filter(Boolean)
        .join(' ');
      return (
        <ListItem
          key={i}
          disableGutters
          data-testid="adr-problem"
          data-rule={problem.rule}
        >
          <ListItemIcon sx={{ minWidth: 32 }}>
            {problem.severity === 'error' ? (
              <ErrorOutlineIcon
                color="error"
                fontSize="small"
                titleAccess="error"
              />
            ) : (
              <WarningAmberIcon
                color="warning"
                fontSize="small"
                titleAccess="warning"
              />
            )}
          </ListItemIcon>
          <ListItemText
            primary={`${where ? `${where} · ` : ''}${problem.rule}: ${
              problem.message
            }`}
            primaryTypographyProps={{ variant: 'body2' }}
          />
        </ListItem>
      );
    })}
  </List>
);
