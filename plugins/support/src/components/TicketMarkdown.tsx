import { AdrMarkdown } from '@internal/backstage-plugin-adr';

const noRecord = () => undefined;
const noImage = () =>
  Promise.reject(new Error('Tickets show images from https addresses only'));

/**
 * A ticket's or comment's markdown, through the ADR plugin's safe renderer:
 * raw HTML dropped, sanitised, only http(s) and mailto links followed.
 */
export const TicketMarkdown = ({ markdown }: { markdown: string }) => (
  <AdrMarkdown markdown={markdown} recordHref={noRecord} loadImage={noImage} />
);
