import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import {
  CopyTextButton,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { auditLogApiRef } from '../../api';

/** The command an auditor runs against an export and its manifest. */
export const verifyCommand = (file = '<file>', manifest = '<manifest.json>') =>
  `node scripts/verify-audit-export.mjs ${file} ${manifest}`;

/** Monospace text with a copy button, for keys, hashes and commands. */
export const CopyableBlock = ({
  text,
  label,
  testId,
  children,
}: {
  text: string;
  /** Names the copy button: "Copy <label>". */
  label: string;
  testId?: string;
  children?: ReactNode;
}) => (
  <Box
    sx={{
      display: 'flex',
      alignItems: 'flex-start',
      gap: 1,
      p: 1.5,
      borderRadius: 1,
      bgcolor: 'action.hover',
    }}
  >
    <Box
      component="pre"
      data-testid={testId}
      sx={{
        flexGrow: 1,
        m: 0,
        fontFamily: 'monospace',
        fontSize: 12,
        whiteSpace: 'pre-wrap',
        overflowWrap: 'anywhere',
      }}
    >
      {children ?? text}
    </Box>
    <CopyTextButton
      text={text}
      aria-label={`Copy ${label}`}
      tooltipText={`${label[0].toUpperCase()}${label.slice(1)} copied`}
    />
  </Box>
);

/**
 * The Ed25519 public key export manifests are signed with, and how an
 * auditor checks an export offline.
 */
export const SigningKeyCard = () => {
  const api = useApi(auditLogApiRef);
  const { value, loading, error } = useAsync(() => api.getPublicKey(), [api]);

  let content;
  if (loading) {
    content = <Progress aria-label="Loading the signing key" />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        title="Could not load the signing key"
        error={error}
      />
    );
  } else if (value) {
    content = (
      <>
        <Typography variant="subtitle2" component="h3">
          Fingerprint ({value.algorithm}, SHA-256 of the key's DER)
        </Typography>
        <Box sx={{ mt: 1, mb: 2 }}>
          <CopyableBlock
            text={value.fingerprint}
            label="the fingerprint"
            testId="audit-key-fingerprint"
          />
        </Box>
        <Typography variant="subtitle2" component="h3">
          Public key (PEM)
        </Typography>
        <Box sx={{ mt: 1, mb: 2 }}>
          <CopyableBlock
            text={value.publicKeyPem}
            label="the public key"
            testId="audit-key-pem"
          />
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title="Signing key"
      titleTypographyProps={{ component: 'h2' }}
      subheader="Every export comes with a manifest signed by this key"
    >
      {content}
      <Typography variant="subtitle2" component="h3">
        Verifying an export offline
      </Typography>
      <Typography variant="body2" sx={{ my: 1 }}>
        Keep the file and its manifest together, and check the file against its
        signed manifest from a clone of the portal's repository. The manifest
        names the fingerprint of the key that signed it: it must be the one
        shown here.
      </Typography>
      <CopyableBlock
        text={verifyCommand()}
        label="the verification command"
        testId="audit-verify-command"
      />
    </InfoCard>
  );
};
