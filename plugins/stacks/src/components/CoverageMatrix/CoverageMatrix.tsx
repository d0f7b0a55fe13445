import Box from '@mui/material/Box';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import CancelIcon from '@mui/icons-material/Cancel';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CoverageResponse,
  DOC_PART_TITLES,
  DOC_PARTS,
  DOC_STATUSES,
  DocPart,
  StackCoverage,
} from '@internal/backstage-plugin-stacks-common';
import { useSearchParams } from 'react-router-dom';
import { DOC_PART_SHORT, DOC_STATUS_LABELS } from '../../labels';
import { DocStatusChip, PriorityChip } from '../StackChips';

/** What the matrix shows: all stacks, those missing one part, or those whose status differs from the catalog. */
type Show = 'all' | 'differs' | `missing:${DocPart}`;

const SHOW_PARAM = 'coverage';

function parseShow(value: string | null): Show {
  if (value === 'differs') return 'differs';
  if (
    value?.startsWith('missing:') &&
    DOC_PARTS.includes(value.slice(8) as DocPart)
  ) {
    return value as Show;
  }
  return 'all';
}

export const differs = (stack: StackCoverage) =>
  stack.declaredStatus !== undefined &&
  stack.declaredStatus !== stack.measuredStatus;

const PartCell = ({ stack, part }: { stack: StackCoverage; part: DocPart }) => {
  const result = stack.parts.find(p => p.part === part)!;
  const label = `${DOC_PART_TITLES[part]}: ${
    result.present ? 'present' : 'missing'
  } (${result.evidence})`;
  return (
    <TableCell
      align="center"
      data-testid={`coverage-${stack.name}-${part}`}
      data-present={result.present}
    >
      <Tooltip title={result.evidence}>
        {result.present ? (
          <CheckCircleIcon
            color="success"
            fontSize="small"
            titleAccess={label}
          />
        ) : (
          <CancelIcon color="error" fontSize="small" titleAccess={label} />
        )}
      </Tooltip>
    </TableCell>
  );
};

/**
 * Why stacks have no readable document, said once per reason with how many
 * stacks it concerns, instead of once per row.
 */
const MissingReasons = ({ stacks }: { stacks: StackCoverage[] }) => {
  const reasons = new Map<string, number>();
  for (const stack of stacks) {
    if (stack.parts.length === 0) {
      const reason = stack.error ?? 'no documentation';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  if (reasons.size === 0) return null;
  return (
    <Box
      component="ul"
      sx={{ m: 0, mb: 2, pl: 2 }}
      data-testid="coverage-missing"
    >
      {[...reasons].map(([reason, count]) => (
        <Typography component="li" variant="body2" key={reason}>
          {count} {count === 1 ? 'stack has' : 'stacks have'} no document:{' '}
          {reason}
        </Typography>
      ))}
    </Box>
  );
};

/**
 * Stacks by the six parts the architecture review requires, measured from
 * each stack's documentation, most urgent first. The measured status stands
 * next to the catalog's, and a difference is called out.
 */
export const CoverageMatrix = ({
  coverage,
  visible,
}: {
  coverage: CoverageResponse;
  /** The stacks the page's filters show; the matrix follows them. */
  visible?: Set<string>;
}) => {
  const [params, setParams] = useSearchParams();
  const show = parseShow(params.get(SHOW_PARAM));
  const setShow = (next: Show) =>
    setParams(
      current => {
        const updated = new URLSearchParams(current);
        if (next === 'all') updated.delete(SHOW_PARAM);
        else updated.set(SHOW_PARAM, next);
        return updated;
      },
      { replace: true },
    );
  const rows = coverage.stacks.filter(stack => {
    if (visible && !visible.has(stack.entityRef)) return false;
    if (show === 'differs') return differs(stack);
    if (show.startsWith('missing:')) {
      const part = show.slice(8) as DocPart;
      return !stack.parts.some(p => p.part === part && p.present);
    }
    return true;
  });

  return (
    <Box>
      <Box
        sx={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: 2,
          alignItems: 'center',
          mb: 2,
        }}
      >
        <Typography
          variant="body2"
          data-testid="coverage-summary"
          sx={{ flexGrow: 1 }}
        >
          Measured:{' '}
          {DOC_STATUSES.map(
            s =>
              `${coverage.measured[s]} ${DOC_STATUS_LABELS[s].toLocaleLowerCase(
                'en-US',
              )}`,
          ).join(' · ')}
          {' · '}
          {coverage.mismatches === 0
            ? 'every stack matches its catalog status'
            : `${coverage.mismatches} ${
                coverage.mismatches === 1 ? 'stack differs' : 'stacks differ'
              } from the catalog`}
        </Typography>
        <FormControl size="small" sx={{ minWidth: 240 }}>
          <InputLabel id="coverage-show-label">Show</InputLabel>
          <Select
            labelId="coverage-show-label"
            label="Show"
            value={show}
            onChange={e => setShow(e.target.value as Show)}
            data-testid="coverage-show"
          >
            <MenuItem value="all">All stacks</MenuItem>
            <MenuItem value="differs">Status differs from the catalog</MenuItem>
            {DOC_PARTS.map(part => (
              <MenuItem key={part} value={`missing:${part}`}>
                Missing {DOC_PART_TITLES[part]}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Box>
      <MissingReasons stacks={rows} />
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Documentation coverage">
          <TableHead>
            <TableRow>
              <TableCell sx={{ minWidth: 220 }}>Stack</TableCell>
              {DOC_PARTS.map(part => (
                <TableCell
                  key={part}
                  align="center"
                  sx={{ minWidth: 88, hyphens: 'none', wordBreak: 'normal' }}
                >
                  {DOC_PART_SHORT[part]}
                </TableCell>
              ))}
              <TableCell sx={{ whiteSpace: 'nowrap' }}>Measured</TableCell>
              <TableCell sx={{ minWidth: 150, whiteSpace: 'nowrap' }}>
                Catalog
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(stack => (
              <TableRow
                key={stack.entityRef}
                data-testid={`coverage-row-${stack.name}`}
                aria-label={stack.title}
              >
                <TableCell component="th" scope="row">
                  <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                    <EntityRefLink
                      entityRef={stack.entityRef}
                      style={{ whiteSpace: 'nowrap' }}
                    >
                      {stack.title}
                    </EntityRefLink>
                    <PriorityChip priority={stack.priority} />
                    {stack.reviewRank && (
                      <Typography
                        variant="caption"
                        color="text.secondary"
                        sx={{ whiteSpace: 'nowrap' }}
                      >
                        #{stack.reviewRank}
                      </Typography>
                    )}
                  </Box>
                </TableCell>
                {stack.parts.length ? (
                  DOC_PARTS.map(part => (
                    <PartCell key={part} stack={stack} part={part} />
                  ))
                ) : (
                  <TableCell
                    colSpan={DOC_PARTS.length}
                    align="center"
                    data-testid={`coverage-no-document-${stack.name}`}
                  >
                    <Tooltip title={stack.error ?? 'No documentation'}>
                      <Typography variant="body2" color="text.secondary">
                        No document
                      </Typography>
                    </Tooltip>
                  </TableCell>
                )}
                <TableCell>
                  <DocStatusChip status={stack.measuredStatus} />
                </TableCell>
                <TableCell>
                  {differs(stack) ? (
                    <Typography
                      variant="body2"
                      color="warning.main"
                      data-testid={`coverage-differs-${stack.name}`}
                    >
                      Catalog says {DOC_STATUS_LABELS[stack.declaredStatus!]}
                    </Typography>
                  ) : (
                    <Typography variant="body2" color="text.secondary">
                      {stack.declaredStatus
                        ? `Agrees (${DOC_STATUS_LABELS[stack.declaredStatus]})`
                        : 'Not declared'}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={DOC_PARTS.length + 3}>
                  <Typography variant="body2" color="text.secondary">
                    No stack matches.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </Box>
    </Box>
  );
};
