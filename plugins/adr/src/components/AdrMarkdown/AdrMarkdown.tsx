import { ReactNode, useEffect, useState } from 'react';
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import { MermaidDiagram } from './MermaidDiagram';
import { isSafeExternal, resolveInFolder } from './links';

/**
 * GitHub's sanitisation schema, plus the class of code blocks (a class cannot
 * run anything), so that ```mermaid blocks can be told apart.
 */
const schema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [...(defaultSchema.attributes?.code ?? []), 'className'],
  },
};

/** Text of a hast node (the content of a code block). */
function textOf(node: unknown): string {
  const n = node as { type?: string; value?: string; children?: unknown[] };
  if (n?.type === 'text') return n.value ?? '';
  return (n?.children ?? []).map(textOf).join('');
}

const Refused = ({
  children,
  reason,
}: {
  children: ReactNode;
  reason: string;
}) => (
  <Tooltip title={reason}>
    <Typography
      component="span"
      variant="inherit"
      sx={{ textDecoration: 'underline dotted' }}
      data-refused-link
    >
      {children}
    </Typography>
  </Tooltip>
);

/** A relative image, fetched through the ADR API (it needs the user's token). */
const FolderImage = ({
  path,
  alt,
  loadImage,
}: {
  path: string;
  alt?: string;
  loadImage: (path: string) => Promise<Blob>;
}) => {
  const [state, setState] = useState<{ url?: string; error?: string }>({});
  useEffect(() => {
    let url: string | undefined;
    let cancelled = false;
    loadImage(path).then(
      blob => {
        url = URL.createObjectURL(blob);
        if (!cancelled) setState({ url });
      },
      e => !cancelled && setState({ error: (e as Error).message }),
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, loadImage]);
  if (state.error)
    return <Refused reason={state.error}>[image: {alt || path}]</Refused>;
  if (!state.url) return <span>[loading image {alt || path}]</span>;
  return (
    <Box
      component="img"
      src={state.url}
      alt={alt ?? ''}
      sx={{ maxWidth: '100%' }}
    />
  );
};

/**
 * A decision record's markdown, rendered safely: raw HTML is dropped, the
 * result is sanitised (no script, no event handlers, no javascript: links),
 * relative links and images resolve inside the decision folder only, other
 * decisions open in the reader, and ```mermaid blocks become diagrams
 * (Mermaid's strict security level).
 */
export const AdrMarkdown = ({
  markdown,
  recordHref,
  loadImage,
}: {
  markdown: string;
  /** The reader's URL for a file of the folder (with `#fragment`), when it is a decision. */
  recordHref: (path: string) => string | undefined;
  loadImage: (path: string) => Promise<Blob>;
}) => (
  <Box
    className="adr-markdown"
    sx={{
      '& table': { borderCollapse: 'collapse', my: 2 },
      '& th, & td': {
        border: 1,
        borderColor: 'divider',
        px: 1,
        py: 0.5,
        textAlign: 'left',
      },
      '& pre': {
        overflowX: 'auto',
        p: 1.5,
        bgcolor: 'action.hover',
        borderRadius: 1,
      },
      '& code': { fontSize: '0.875em' },
      '& h1': { fontSize: '1.6rem' },
      '& h2': { fontSize: '1.3rem', mt: 3 },
      '& h3': { fontSize: '1.1rem' },
    }}
  >
    <ReactMarkdown
      skipHtml
      remarkPlugins={[remarkGfm]}
      rehypePlugins={[[rehypeSanitize, schema]]}
      components={{
        pre: ({ node, children }) => {
          const code = node.children[0] as
            | { properties?: { className?: unknown } }
            | undefined;
          const classes = ([] as unknown[]).concat(
            code?.properties?.className ?? [],
          );
          if (classes.includes('language-mermaid')) {
            return <MermaidDiagram code={textOf(code)} />;
          }
          return <pre>{children}</pre>;
        },
        a: ({ href, children }) => {
          const target = href ?? '';
          if (target.startsWith('#')) return <a href={target}>{children}</a>;
          if (isSafeExternal(target)) {
            return (
              <Link to={target} target="_blank" rel="noopener noreferrer">
                {children}
              </Link>
            );
          }
          const [file, fragment] = target.split('#');
          const inFolder = resolveInFolder(file);
          const record =
            inFolder &&
            recordHref(fragment ? `${inFolder}#${fragment}` : inFolder);
          if (record) return <Link to={record}>{children}</Link>;
          return (
            <Refused
              reason={
                inFolder
                  ? `${inFolder} is not a decision in this folder`
                  : 'Link not followed: it leaves the decision folder or is not a safe link'
              }
            >
              {children}
            </Refused>
          );
        },
        img: ({ src, alt }) => {
          const source = src ?? '';
          if (/^https:\/\//i.test(source)) {
            return (
              <Box
                component="img"
                src={source}
                alt={alt ?? ''}
                referrerPolicy="no-referrer"
                sx={{ maxWidth: '100%' }}
              />
            );
          }
          const inFolder = resolveInFolder(source);
          if (!inFolder) {
            return (
              <Refused reason="Image not shown: it leaves the decision folder or is not a safe address">
                [image: {alt}]
              </Refused>
            );
          }
          return (
            <FolderImage path={inFolder} alt={alt} loadImage={loadImage} />
          );
        },
      }}
    >
      {markdown}
    </ReactMarkdown>
  </Box>
);
