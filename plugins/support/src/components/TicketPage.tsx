import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  LIMITS,
  SupportSettings,
  TicketView,
  UpdateTicketRequest,
} from '@internal/backstage-plugin-support-common';
import { useParams } from 'react-router-dom';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { supportApiRef } from '../api';
import { TicketMarkdown } from './TicketMarkdown';
import { TicketSidebar } from './TicketSidebar';
import { Timeline } from './Timeline';

const entityPath = (ref: string) => {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${namespace}/${kind}/${name}`;
};

/** One ticket: its description, timeline, comment box and details. */
export const TicketPage = () => {
  const { id } = useParams();
  const api = useApi(supportApiRef);
  const identity = useApi(identityApiRef);
  const [view, setView] = useState<TicketView>();
  const [settings, setSettings] = useState<SupportSettings>();
  const [me, setMe] = useState('');
  const [error, setError] = useState<Error>();
  const [actionError, setActionError] = useState<string>();
  const [comment, setComment] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () => api.view(Number(id)).then(setView, setError),
    [api, id],
  );
  useEffect(() => {
    load();
    api.settings().then(setSettings, () => undefined);
    identity.getBackstageIdentity().then(i => setMe(i.userEntityRef));
  }, [api, identity, load]);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      await load();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const change = (request: UpdateTicketRequest) =>
    act(() => api.update(Number(id), request));

  if (error) {
    return (
      <Page themeId="tool">
        <Header title={`Ticket #${id}`} />
        <Content>
          <ResponseErrorPanel title="Could not load the ticket" error={error} />
        </Content>
      </Page>
    );
  }
  if (!view) return <Progress />;
  const { ticket, access, timeline } = view;
  return (
    <Page themeId="tool">
      <Header
        title={`#${ticket.id} ${ticket.title}`}
        subtitle={`${ticket.priority} ${ticket.type} on ${
          ticket.entityTitle ?? ticket.entityRef
        }`}
      >
        <Link to="/support">All tickets</Link>
      </Header>
      <Content>
        {actionError && (
          <Alert
            severity="error"
            onClose={() => setActionError(undefined)}
            sx={{ mb: 2 }}
            data-testid="action-error"
          >
            {actionError}
          </Alert>
        )}
        <Grid container spacing={3}>
          <Grid item xs={12} md={8}>
            <InfoCard
              title="Description"
              subheader={
                <Link to={entityPath(ticket.entityRef)}>
                  {ticket.entityTitle ?? ticket.entityRef}
                </Link>
              }
            >
              <TicketMarkdown markdown={ticket.body} />
            </InfoCard>
            <Box mt={3}>
              <Typography variant="h6" gutterBottom>
                Timeline
              </Typography>
              <Timeline events={timeline} />
            </Box>
            {access.canComment ? (
              <Box mt={2}>
                <TextField
                  label={
                    internal
                      ? 'Internal note (team, support and admins only)'
                      : 'Comment'
                  }
                  value={comment}
                  onChange={e => setComment(e.target.value)}
                  fullWidth
                  multiline
                  minRows={3}
                  inputProps={{ maxLength: LIMITS.commentMax }}
                />
                <Box display="flex" alignItems="center" gap={2} mt={1}>
                  <WriteGuard>
                    <Button
                      variant="contained"
                      disabled={busy || !comment.trim()}
                      onClick={() =>
                        act(async () => {
                          await api.comment(
                            ticket.id,
                            comment,
                            internal ? 'internal' : 'public',
                          );
                          setComment('');
                        })
                      }
                    >
                      {internal ? 'Add note' : 'Comment'}
                    </Button>
                  </WriteGuard>
                  {access.canAddNote && (
                    <FormControlLabel
                      control={
                        <Switch
                          checked={internal}
                          onChange={e => setInternal(e.target.checked)}
                        />
                      }
                      label="Internal note"
                    />
                  )}
                </Box>
              </Box>
            ) : (
              <Alert severity="info" sx={{ mt: 2 }}>
                Watch this ticket to take part in it.
              </Alert>
            )}
          </Grid>
          <Grid item xs={12} md={4}>
            <TicketSidebar
              view={view}
              settings={settings}
              me={me}
              onChange={change}
              onWatch={watching => act(() => api.watch(ticket.id, watching))}
              onGithub={request =>
                act(() => api.linkGithub(ticket.id, request))
              }
            />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
