import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { readStack } from '@internal/backstage-plugin-stacks-common';
import { DocStatusChip, LayerChip, PriorityChip } from '../StackChips';

const Field = ({
  label,
  children,
}: {
  label: string;
  children: JSX.Element;
}) => (
  <Box>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    {children}
  </Box>
);

const Features = ({ title, items }: { title: string; items: string[] }) => (
  <List dense aria-label={title} disablePadding>
    {items.map(item => (
      <ListItem key={item} disableGutters sx={{ py: 0.25 }}>
        <ListItemText primary={item} />
      </ListItem>
    ))}
  </List>
);

/** The stack's place in the review and what it offers, from its System entity. */
export const StackCard = () => {
  const { entity } = useEntity();
  const stack = readStack(entity);

  return (
    <InfoCard title="Stack" subheader={stack.description}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 3, mb: 2 }}>
        <Field label="Layer">
          <LayerChip layer={stack.layer} />
        </Field>
        <Field label="Priority">
          <PriorityChip priority={stack.priority} />
        </Field>
        <Field label="Documentation">
          <DocStatusChip status={stack.docStatus} />
        </Field>
      </Box>

      <Typography variant="subtitle2" component="h3">
        System features
      </Typography>
      {stack.systemFeatures.length > 0 ? (
        <Features title="System features" items={stack.systemFeatures} />
      ) : (
        <Alert severity="warning" sx={{ my: 1 }}>
          No System Features section yet
        </Alert>
      )}

      <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
        User features
      </Typography>
      {stack.userFeatures.length > 0 ? (
        <Features title="User features" items={stack.userFeatures} />
      ) : (
        <Alert severity="warning" sx={{ my: 1 }}>
          No User Features section yet
        </Alert>
      )}
    </InfoCard>
  );
};
