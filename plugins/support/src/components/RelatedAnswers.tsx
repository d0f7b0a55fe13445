import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { adrApiRef } from '@internal/backstage-plugin-adr';
import { AdrSummary } from '@internal/backstage-plugin-adr-common';
import { TicketSummary } from '@internal/backstage-plugin-support-common';
import { supportApiRef } from '../api';
import { ticketPath } from './TicketTable';

const TYPING_PAUSE_MS = 300;
const MAX_ADRS = 5;

function words(text: string): string[] {
  return text
    .toLocaleLowerCase()
    .split(/\W+/)
    .filter(w => w.length >= 3);
}

/**
 * While a ticket's title is typed: the entity's decision records and open
 * tickets that share its words, so that people find an answer before asking.
 */
export const RelatedAnswers = ({
  entity,
  text,
}: {
  entity: Entity;
  text: string;
}) => {
  const support = useApi(supportApiRef);
  const adrApi = useApi(adrApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [adrs, setAdrs] = useState<AdrSummary[]>([]);
  const [tickets, setTickets] = useState<TicketSummary[]>([]);

  useEffect(() => {
    let active = true;
    adrApi.getEntityAdrs(getCompoundEntityRef(entity)).then(
      r => active && setAdrs(r.adrs),
      () => active && setAdrs([]),
    );
    return () => {
      active = false;
    };
  }, [adrApi, entity]);

  useEffect(() => {
    let active = true;
    const timer = setTimeout(() => {
      support.suggestions(entityRef, text).then(
        r => active && setTickets(r.tickets),
        () => active && setTickets([]),
      );
    }, TYPING_PAUSE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [support, entityRef, text]);

  const typed = words(text);
  const matching = typed.length
    ? adrs
        .filter(a => words(a.title).some(w => typed.includes(w)))
        .slice(0, MAX_ADRS)
    : [];
  if (!matching.length && !tickets.length) return null;
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const decisionsPath = `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/decisions`;
  return (
    <Alert severity="info" sx={{ mt: 2 }} data-testid="related-answers">
      <Typography variant="subtitle2">
        Before you ask: these may already answer it
      </Typography>
      {matching.length > 0 && (
        <>
          <Typography variant="caption">
            Decisions of {entity.metadata.title ?? name}
          </Typography>
          <List dense disablePadding>
            {matching.map(a => (
              <ListItem key={a.key} disableGutters>
                <Link
                  to={`${decisionsPath}?record=${encodeURIComponent(a.key)}`}
                  target="_blank"
                >
                  {a.id ? `${a.id}: ` : ''}
                  {a.title}
                </Link>
              </ListItem>
            ))}
          </List>
        </>
      )}
      {tickets.length > 0 && (
        <>
          <Typography variant="caption">
            Open tickets on {entity.metadata.title ?? name}
          </Typography>
          <List dense disablePadding>
            {tickets.map(t => (
              <ListItem key={t.id} disableGutters>
                <Link to={ticketPath(t.id)} target="_blank">
                  #{t.id} {t.title} ({t.priority}, {t.status.replace(/_/g, ' ')}
                  )
                </Link>
              </ListItem>
            ))}
          </List>
        </>
      )}
    </Alert>
  );
};
