import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { parseEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Stack,
  StackCoverage,
  StackDomain,
} from '@internal/backstage-plugin-stacks-common';
import { DOC_STATUS_LABELS } from '../../labels';
import { DocStatusChip, LayerChip, PriorityChip } from '../StackChips';

const nameOf = (ref: string) => {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
};

interface DomainGroup {
  id: string;
  /** The domain's name, for test ids. */
  name: string;
  title: string;
  description?: string;
  stacks: Stack[];
}

/** Stacks per domain, in `domains` order; stacks outside them come last. */
export function groupByDomain(
  stacks: Stack[],
  domains: StackDomain[],
): DomainGroup[] {
  const groups: DomainGroup[] = domains.map(domain => ({
    id: domain.entityRef,
    name: nameOf(domain.entityRef),
    title: domain.title,
    description: domain.description,
    stacks: stacks.filter(
      stack => stack.domain?.entityRef === domain.entityRef,
    ),
  }));
  const known = new Set(domains.map(domain => domain.entityRef));
  const others = stacks.filter(
    stack => !stack.domain || !known.has(stack.domain.entityRef),
  );
  if (others.length) {
    groups.push({
      id: 'none',
      name: 'none',
      title: 'Other stacks',
      stacks: others,
    });
  }
  return groups.filter(group => group.stacks.length > 0);
}

/**
 * The measured status when the documentation was read, with the catalog's
 * declared status called out where it differs; the declared one otherwise.
 */
const Documentation = ({
  stack,
  measured,
}: {
  stack: Stack;
  measured?: StackCoverage;
}) => {
  if (!measured) {
    return <DocStatusChip status={stack.docStatus} />;
  }
  return (
    <>
      <DocStatusChip status={measured.measuredStatus} />
      {stack.docStatus && stack.docStatus !== measured.measuredStatus && (
        <Typography
          variant="caption"
          component="div"
          color="warning.main"
          data-testid={`stack-status-differs-${stack.name}`}
        >
          Catalog says {DOC_STATUS_LABELS[stack.docStatus]}
        </Typography>
      )}
    </>
  );
};

const StackRow = ({
  stack,
  measured,
}: {
  stack: Stack;
  measured?: StackCoverage;
}) => (
  <TableRow
    hover
    data-testid={`stack-row-${stack.name}`}
    aria-label={stack.title}
  >
    <TableCell component="th" scope="row">
      <EntityRefLink entityRef={stack.entityRef}>{stack.title}</EntityRefLink>
      {stack.description && (
        <Typography variant="body2" color="text.secondary">
          {stack.description}
        </Typography>
      )}
    </TableCell>
    <TableCell>
      <LayerChip layer={stack.layer} />
    </TableCell>
    <TableCell>
      <PriorityChip priority={stack.priority} />
    </TableCell>
    <TableCell>
      <Documentation stack={stack} measured={measured} />
    </TableCell>
    <TableCell>
      {stack.owner ? (
        <EntityRefLink entityRef={stack.owner.entityRef}>
          {stack.owner.title}
        </EntityRefLink>
      ) : (
        <Typography variant="body2" color="text.secondary">
          No owner
        </Typography>
      )}
    </TableCell>
  </TableRow>
);

/** One card per domain, listing its stacks most urgent first. */
export const StacksList = ({
  stacks,
  domains,
  coverage,
}: {
  stacks: Stack[];
  domains: StackDomain[];
  /** Measured documentation by entity ref, when it could be read. */
  coverage?: Map<string, StackCoverage>;
}) => (
  <>
    {groupByDomain(stacks, domains).map(group => (
      <Box
        key={group.id}
        component="section"
        aria-label={group.title}
        data-testid={`stacks-domain-${group.name}`}
        sx={{ mb: 3 }}
      >
        <InfoCard
          title={group.title}
          subheader={group.description}
          titleTypographyProps={{ component: 'h2' }}
          noPadding
        >
          <Table size="small" aria-label={`${group.title} stacks`}>
            <TableHead>
              <TableRow>
                <TableCell sx={{ width: '40%' }}>Stack</TableCell>
                <TableCell>Layer</TableCell>
                <TableCell>Priority</TableCell>
                <TableCell>Documentation</TableCell>
                <TableCell>Owner</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {group.stacks.map(stack => (
                <StackRow
                  key={stack.entityRef}
                  stack={stack}
                  measured={coverage?.get(stack.entityRef)}
                />
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      </Box>
    ))}
  </>
);
