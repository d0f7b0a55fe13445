import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import { Progress } from '@backstage/core-components';
import { DiagramViewer } from './DiagramViewer';

type Mermaid = typeof import('mermaid')['default'];

let loaded: Promise<Mermaid> | undefined;
let queue: Promise<unknown> = Promise.resolve();
let counter = 0;

/** Mermaid, loaded once, always with the strict security level. */
function loadMermaid(dark: boolean): Promise<Mermaid> {
  loaded ??= import('mermaid').then(m => m.default);
  return loaded.then(mermaid => {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: dark ? 'dark' : 'default',
      suppressErrorRendering: true,
      // Diagrams may not loosen any of these with an %%{init}%% directive.
      secure: [
        'secure',
        'securityLevel',
        'startOnLoad',
        'maxTextSize',
        'htmlLabels',
        'suppressErrorRendering',
      ],
    });
    return mermaid;
  });
}

/**
 * Removes what strict Mermaid should never produce anyway: script elements,
 * event-handler attributes and javascript: links. Defence in depth before the
 * SVG goes into the page.
 */
export function neutraliseSvg(svg: string): string {
  // Parsed as HTML: Mermaid's labels are HTML, not always well-formed XML.
  const doc = new DOMParser().parseFromString(svg, 'text/html');
  doc.querySelectorAll('script').forEach(node => node.remove());
  doc.body.querySelectorAll('*').forEach(element => {
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLocaleLowerCase('en-US');
      if (name.startsWith('on')) element.removeAttribute(attribute.name);
      if (
        (name === 'href' || name === 'xlink:href') &&
        /^\s*(javascript|data|vbscript):/i.test(attribute.value)
      ) {
        element.removeAttribute(attribute.name);
      }
    }
  });
  return doc.body.innerHTML;
}

/** One ```mermaid block, rendered as an SVG diagram, or its error and source. */
export const MermaidDiagram = ({ code }: { code: string }) => {
  const theme = useTheme();
  const dark = theme.palette.mode === 'dark';
  const [state, setState] = useState<{ svg?: string; error?: string }>({});

  useEffect(() => {
    let cancelled = false;
    const id = `adr-mermaid-${++counter}`;
    // Mermaid renders one diagram at a time.
    queue = queue
      .then(async () => {
        const mermaid = await loadMermaid(dark);
        const { svg } = await mermaid.render(id, code);
        if (!cancelled) setState({ svg: neutraliseSvg(svg) });
      })
      .catch(e => {
        document.getElementById(`d${id}`)?.remove();
        if (!cancelled)
          setState({ error: e instanceof Error ? e.message : String(e) });
      });
    return () => {
      cancelled = true;
    };
  }, [code, dark]);

  if (state.error) {
    return (
      <Alert severity="warning" sx={{ my: 2 }} data-testid="adr-diagram-error">
        The diagram could not be rendered: {state.error}
        <Box
          component="pre"
          sx={{ mt: 1, mb: 0, whiteSpace: 'pre-wrap', fontSize: '0.8em' }}
        >
          {code}
        </Box>
      </Alert>
    );
  }
  if (!state.svg) return <Progress aria-label="Rendering diagram" />;
  return (
    <DiagramViewer
      svg={state.svg}
      label={`Diagram: ${code.trim().split('\n')[0]}`}
    />
  );
};
