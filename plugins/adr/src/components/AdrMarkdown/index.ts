export { AdrMarkdown } from './AdrMarkdown';
export { MermaidDiagram } from './MermaidDiagram';
