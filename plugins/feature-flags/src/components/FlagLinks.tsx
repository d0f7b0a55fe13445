import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Fragment, ReactNode } from 'react';
import type { Flag } from '@internal/backstage-plugin-feature-flags-common';

/** Tag types that name a catalog entity, drawn as links rather than text. */
const LINKED_TAG_TYPES = new Set(['stack', 'capability']);

const Line = (props: { label: string; children: ReactNode[] }) =>
  props.children.length === 0 ? null : (
    <Typography variant="body2" component="div">
      <Typography component="span" variant="body2" color="text.secondary">
        {props.label}:{' '}
      </Typography>
      {props.children.map((child, i) => (
        <Fragment key={i}>
          {i > 0 && ', '}
          {child}
        </Fragment>
      ))}
    </Typography>
  );

/**
 * What a flag belongs to, each a link to its page: the entities that name it
 * (`stackportal.io/unleash-flags`), their stacks and owners; the flag's other
 * tags as text.
 */
export function FlagLinks(props: { flag: Flag }) {
  const { flag } = props;
  const stacks = [
    ...new Set([
      ...flag.entities.map(e => e.stack ?? ''),
      ...flag.tags.filter(t => t.type === 'stack').map(t => t.value),
    ]),
  ]
    .filter(Boolean)
    .sort();
  const owners = [
    ...new Set(flag.entities.map(e => e.owner ?? '').filter(Boolean)),
  ];
  const otherTags = flag.tags.filter(t => !LINKED_TAG_TYPES.has(t.type));
  // the entities stand for the capability tags; without them the tags tell it
  const unlinkedCapabilities = flag.entities.length
    ? []
    : flag.tags.filter(t => t.type === 'capability');
  return (
    <Stack spacing={0.5} sx={{ mt: 1 }} data-testid="flag-links">
      <Line label="Used by">
        {flag.entities.map(e => (
          <EntityRefLink key={e.entityRef} entityRef={e.entityRef}>
            {e.title}
          </EntityRefLink>
        ))}
      </Line>
      <Line label="Stack">
        {stacks.map(stack => (
          <EntityRefLink
            key={stack}
            entityRef={{ kind: 'system', namespace: 'default', name: stack }}
          />
        ))}
      </Line>
      <Line label="Owner">
        {owners.map(owner => (
          <EntityRefLink key={owner} entityRef={owner} />
        ))}
      </Line>
      <Line label="Tags">
        {[...unlinkedCapabilities, ...otherTags].map(t => (
          <span key={`${t.type}:${t.value}`}>
            {t.type} {t.value}
          </span>
        ))}
      </Line>
    </Stack>
  );
}
