import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  LIMITS,
  Priority,
  PRIORITIES,
  Ticket,
  TICKET_TYPES,
  TicketType,
} from '@internal/backstage-plugin-support-common';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { supportApiRef } from '../api';
import { RelatedAnswers } from './RelatedAnswers';
import { TicketMarkdown } from './TicketMarkdown';

const PRIORITY_HELP: Record<Priority, string> = {
  P1: 'P1: down for everyone, no workaround',
  P2: 'P2: badly degraded, or down for some',
  P3: 'P3: a problem with a workaround',
  P4: 'P4: a question or a small request',
};

/** Raise a ticket against an entity: type, priority, title, markdown description, labels. */
export const RaiseTicketDialog = ({
  entity,
  open,
  onClose,
  onRaised,
}: {
  entity: Entity;
  open: boolean;
  onClose: () => void;
  onRaised: (ticket: Ticket) => void;
}) => {
  const api = useApi(supportApiRef);
  const [type, setType] = useState<TicketType>('incident');
  const [priority, setPriority] = useState<Priority>('P3');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [labels, setLabels] = useState('');
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const ticket = await api.raise({
        entityRef: stringifyEntityRef(entity),
        type,
        priority,
        title,
        body,
        labels: labels
          .split(',')
          .map(l => l.trim())
          .filter(Boolean),
      });
      setTitle('');
      setBody('');
      setLabels('');
      onRaised(ticket);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="raise-ticket-title"
    >
      <DialogTitle id="raise-ticket-title">
        Raise a ticket on {entity.metadata.title ?? entity.metadata.name}
      </DialogTitle>
      <DialogContent>
        <Box display="flex" gap={2} mt={1}>
          <TextField
            select
            label="Type"
            value={type}
            onChange={e => setType(e.target.value as TicketType)}
            sx={{ minWidth: 160 }}
          >
            {TICKET_TYPES.map(t => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            label="Priority"
            value={priority}
            onChange={e => setPriority(e.target.value as Priority)}
            sx={{ minWidth: 280 }}
          >
            {PRIORITIES.map(p => (
              <MenuItem key={p} value={p}>
                {PRIORITY_HELP[p]}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <TextField
          label="Title"
          value={title}
          onChange={e => setTitle(e.target.value)}
          fullWidth
          margin="normal"
          required
          inputProps={{ maxLength: LIMITS.titleMax }}
        />
        <RelatedAnswers entity={entity} text={title} />
        <Tabs value={tab} onChange={(_, v) => setTab(v)} sx={{ mt: 1 }}>
          <Tab value="write" label="Write" />
          <Tab value="preview" label="Preview" />
        </Tabs>
        {tab === 'write' ? (
          <TextField
            label="Description (markdown)"
            value={body}
            onChange={e => setBody(e.target.value)}
            fullWidth
            multiline
            minRows={6}
            margin="dense"
            required
            helperText={`${body.length.toLocaleString()} / ${LIMITS.bodyMax.toLocaleString()} characters`}
            error={body.length > LIMITS.bodyMax}
          />
        ) : (
          <Box
            sx={{
              border: 1,
              borderColor: 'divider',
              borderRadius: 1,
              p: 2,
              minHeight: 160,
            }}
          >
            <TicketMarkdown markdown={body || '_Nothing to preview yet._'} />
          </Box>
        )}
        <TextField
          label="Labels (comma-separated)"
          value={labels}
          onChange={e => setLabels(e.target.value)}
          fullWidth
          margin="normal"
        />
        {error && (
          <Alert severity="error" data-testid="raise-error">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <WriteGuard>
          <Button
            variant="contained"
            onClick={submit}
            disabled={busy || !title.trim() || !body.trim()}
          >
            Raise ticket
          </Button>
        </WriteGuard>
      </DialogActions>
    </Dialog>
  );
};
