import { ReportDownload } from '../../reportsApi';

/** Hands a downloaded file to the browser under the server's file name. */
export function saveDownload({ blob, fileName }: ReportDownload) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
