import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import CancelIcon from '@mui/icons-material/Cancel';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DOC_PART_TITLES } from '@internal/backstage-plugin-stacks-common';
import useAsync from 'react-use/esm/useAsync';
import { adrApiRef } from '../../api';
import { AdrMarkdown } from '../AdrMarkdown';

const refuseImage = async (path: string): Promise<Blob> => {
  throw new Error(
    `${path}: images beside a stack's documentation are not shown`,
  );
};

/**
 * The "Docs" tab of a stack: its documentation (`stackportal.io/docs-location`),
 * read by the ADR backend with the same limits as decision records and drawn
 * by the same sanitising renderer (strict Mermaid, no HTML, no links out of
 * the folder), under the six parts the review looks for.
 */
export const StackDocsContent = () => {
  const { entity } = useEntity();
  const adrApi = useApi(adrApiRef);
  const { value, loading, error } = useAsync(
    () => adrApi.getStackDocument(getCompoundEntityRef(entity)),
    [adrApi, entity],
  );

  if (loading) return <Progress aria-label="Reading the documentation" />;
  if (error || !value) {
    return (
      <ResponseErrorPanel
        title="The documentation cannot be read"
        error={error ?? new Error('No answer')}
      />
    );
  }
  return (
    <Box sx={{ display: 'grid', gap: 3 }}>
      <InfoCard
        title="Parts the architecture review requires"
        subheader={`Read from ${value.docsLocation}`}
      >
        <Box
          component="ul"
          aria-label="Documentation parts"
          sx={{
            display: 'flex',
            flexWrap: 'wrap',
            gap: 1,
            p: 0,
            m: 0,
            listStyle: 'none',
          }}
        >
          {value.parts.map(part => (
            <Box component="li" key={part.part}>
              <Chip
                size="small"
                variant="outlined"
                color={part.present ? 'success' : 'error'}
                icon={part.present ? <CheckCircleIcon /> : <CancelIcon />}
                label={`${DOC_PART_TITLES[part.part]}: ${
                  part.present ? 'present' : 'missing'
                }`}
                title={part.evidence}
              />
            </Box>
          ))}
        </Box>
      </InfoCard>
      <InfoCard title="Documentation">
        <Box component="article" aria-label="Stack documentation">
          {value.markdown.trim() ? (
            <AdrMarkdown
              markdown={value.markdown}
              recordHref={() => undefined}
              loadImage={refuseImage}
            />
          ) : (
            <Typography variant="body2" color="text.secondary">
              The document is empty.
            </Typography>
          )}
        </Box>
      </InfoCard>
    </Box>
  );
};
