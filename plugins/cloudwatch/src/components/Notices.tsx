import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import type { ViewNotice } from '@internal/backstage-plugin-cloudwatch-common';

export function Notices({ notices }: { notices: ViewNotice[] }) {
  if (notices.length === 0) return null;
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      {notices.map(notice => (
        <Alert key={notice.message} severity={notice.severity}>
          {notice.message}
        </Alert>
      ))}
    </Stack>
  );
}
