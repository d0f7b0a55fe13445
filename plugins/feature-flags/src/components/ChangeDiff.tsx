import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ChangeRequest } from '@internal/backstage-plugin-feature-flags-common';

const NONE = '—';

/** What a change request will change: each field before and after, as the approver applies it. */
export function ChangeDiff(props: { changeRequest: ChangeRequest }) {
  const { changeRequest: cr } = props;
  if (cr.diff.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No difference recorded.
      </Typography>
    );
  }
  return (
    <Table
      size="small"
      aria-label={`Changes of ${cr.flag} in ${cr.environment}`}
      sx={{ mt: 0.5 }}
    >
      <TableBody>
        {cr.diff.map(entry => (
          <TableRow key={entry.field} data-testid={`diff-${entry.field}`}>
            <TableCell
              sx={{ pl: 0, fontWeight: 600, whiteSpace: 'nowrap', border: 0 }}
            >
              {entry.field}
            </TableCell>
            <TableCell sx={{ border: 0 }}>
              <Box
                component="del"
                aria-label={`${entry.field} before`}
                sx={{
                  color: 'error.main',
                  textDecoration:
                    entry.before === undefined ? 'none' : 'line-through',
                }}
              >
                {entry.before ?? NONE}
              </Box>
              {' → '}
              <Box
                component="ins"
                aria-label={`${entry.field} after`}
                sx={{
                  color: 'success.main',
                  textDecoration: 'none',
                  fontWeight: 600,
                }}
              >
                {entry.after ?? NONE}
              </Box>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
