import { useEffect, useState } from 'react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import ErrorOutlineIcon from '@mui/icons-material/ErrorOutline';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  AdrIndexEntry,
  ResolvedAdrLink,
} from '@internal/backstage-plugin-adr-common';
import { StatusChip } from '../StatusChip';

/** Builds links to an entity's Decisions tab, opened at a record. */
export function useDecisionHref() {
  const entityRoute = useRouteRef(entityRouteRef);
  return (entityRef: string, key: string) => {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const params = { kind: kind.toLocaleLowerCase('en-US'), namespace, name };
    const base = entityRoute
      ? entityRoute(params)
      : `/catalog/${namespace}/${params.kind}/${name}`;
    return `${base}/decisions?record=${encodeURIComponent(key)}`;
  };
}

const Relations = ({
  label,
  links,
  href,
}: {
  label: string;
  links: ResolvedAdrLink[];
  href: (key: string) => string;
}) =>
  links.length ? (
    <Typography variant="caption" component="div">
      {label}{' '}
      {links.map((link, i) => (
        <span key={link.key ?? link.text}>
          {i > 0 && ', '}
          {link.key ? (
            <Link to={href(link.key)}>{link.text}</Link>
          ) : (
            `${link.text} (not found)`
          )}
        </span>
      ))}
    </Typography>
  ) : null;

const rowId = (entry: AdrIndexEntry) =>
  `${parseEntityRef(entry.entities[0].entityRef).name}-${entry.key}`;

/** Every matching decision, newest first, 25 to a page. */
export const DecisionsTable = ({ adrs }: { adrs: AdrIndexEntry[] }) => {
  const decisionHref = useDecisionHref();
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(25);
  useEffect(() => setPage(0), [adrs]);
  const rows = adrs.slice(page * rowsPerPage, (page + 1) * rowsPerPage);
  return (
    <>
      <Table size="small" aria-label="Decisions">
        <TableHead>
          <TableRow>
            <TableCell sx={{ width: '38%' }}>Decision</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Date</TableCell>
            <TableCell>Deciders</TableCell>
            <TableCell>Belongs to</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(entry => {
            const home = entry.entities[0].entityRef;
            const href = (key: string) => decisionHref(home, key);
            const errors = entry.problems.filter(
              p => p.severity === 'error',
            ).length;
            return (
              <TableRow
                key={`${home}-${entry.key}`}
                hover
                data-testid={`adr-row-${rowId(entry)}`}
              >
                <TableCell component="th" scope="row">
                  <Link to={href(entry.key)}>
                    {entry.id ? `${entry.id}: ` : ''}
                    {entry.title}
                  </Link>
                  {entry.problems.length > 0 && (
                    <Tooltip
                      title={entry.problems
                        .map(p => `${p.file} · ${p.rule}: ${p.message}`)
                        .join('\n')}
                    >
                      {errors ? (
                        <ErrorOutlineIcon
                          color="error"
                          fontSize="inherit"
                          sx={{ ml: 1, verticalAlign: 'middle' }}
                          titleAccess={`${entry.problems.length} problems`}
                        />
                      ) : (
                        <WarningAmberIcon
                          color="warning"
                          fontSize="inherit"
                          sx={{ ml: 1, verticalAlign: 'middle' }}
                          titleAccess={`${entry.problems.length} warnings`}
                        />
                      )}
                    </Tooltip>
                  )}
                  <Relations
                    label="Supersedes"
                    links={entry.supersedes}
                    href={href}
                  />
                  <Relations
                    label="Superseded by"
                    links={entry.supersededBy}
                    href={href}
                  />
                </TableCell>
                <TableCell>
                  <StatusChip
                    status={entry.status}
                    statusText={entry.statusText}
                  />
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {entry.date ?? '—'}
                </TableCell>
                <TableCell>{entry.deciders.join(', ') || '—'}</TableCell>
                <TableCell>
                  <Typography variant="body2">
                    {entry.entities[0].title}
                  </Typography>
                  <Typography variant="caption" color="text.secondary">
                    {[
                      ...entry.stacks.map(s => s.title),
                      ...entry.systems
                        .filter(s => s.entityRef !== home)
                        .map(s => s.title),
                      entry.entities.length > 1
                        ? `+${entry.entities.length - 1} more entities`
                        : undefined,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={adrs.length}
        page={page}
        rowsPerPage={rowsPerPage}
        rowsPerPageOptions={[25, 50, 100]}
        onPageChange={(_, next) => setPage(next)}
        onRowsPerPageChange={e => {
          setRowsPerPage(Number(e.target.value));
          setPage(0);
        }}
      />
    </>
  );
};
