import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { ExportManifest } from '@internal/backstage-plugin-audit-log-common';
import { formatNumber, formatUtc } from '../../format';

const ManifestRow = ({
  label,
  children,
}: {
  label: string;
  children: ReactNode;
}) => (
  <>
    <Typography component="dt" variant="body2" color="text.secondary">
      {label}
    </Typography>
    <Typography
      component="dd"
      variant="body2"
      data-testid={`audit-manifest-${label.toLowerCase().replace(/\W+/g, '-')}`}
      sx={{ m: 0, overflowWrap: 'anywhere', fontFamily: 'monospace' }}
    >
      {children}
    </Typography>
  </>
);

/** What the signed manifest states, and whether the file received matches it. */
export const ManifestDetails = ({
  manifest,
  localSha,
}: {
  manifest: ExportManifest;
  localSha?: string;
}) => (
  <Box
    component="dl"
    aria-label="Manifest"
    sx={{
      display: 'grid',
      gridTemplateColumns: 'max-content 1fr',
      columnGap: 2,
      rowGap: 0.5,
      my: 2,
    }}
  >
    <ManifestRow label="Rows">{formatNumber(manifest.rowCount)}</ManifestRow>
    <ManifestRow label="SHA-256">
      {manifest.sha256}
      {localSha !== undefined &&
        (localSha === manifest.sha256 ? (
          <Typography
            variant="caption"
            component="div"
            sx={{ color: 'success.main', fontFamily: 'inherit' }}
          >
            matches the file you received
          </Typography>
        ) : (
          <Typography
            role="alert"
            variant="caption"
            component="div"
            sx={{ color: 'error.main', fontFamily: 'inherit' }}
          >
            does not match the file you received ({localSha}): do not use this
            file
          </Typography>
        ))}
    </ManifestRow>
    <ManifestRow label="Seq range">
      {manifest.firstSeq !== undefined && manifest.lastSeq !== undefined
        ? `#${manifest.firstSeq} to #${manifest.lastSeq}`
        : 'no events'}
    </ManifestRow>
    <ManifestRow label="Key fingerprint">
      {manifest.publicKeyFingerprint}
    </ManifestRow>
    <ManifestRow label="Signed">
      {manifest.algorithm}, {formatUtc(manifest.createdAt)} by{' '}
      {manifest.createdBy}
    </ManifestRow>
  </Box>
);
