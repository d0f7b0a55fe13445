import {
  Flag,
  FlagSearchDocument,
  flagPageLocation,
} from '@internal/backstage-plugin-feature-flags-common';

/** Characters of a flag's description the index keeps. */
const DESCRIPTION_MAX = 2000;

/** Parts as sentences: each without its own final full stop, joined by one. */
const sentences = (parts: string[]) => {
  const kept = parts.map(p => p.trim().replace(/[.\s]+$/, '')).filter(Boolean);
  return kept.length ? `${kept.join('. ')}.` : '';
};

/**
 * A flag as the search index holds it: its name as the title (so that
 * searching the name finds it first), and in the text what a person would
 * look for it by: description, type, where it is on, the entities that name
 * it and their stacks, its tags.
 */
export function flagSearchDocument(flag: Flag): FlagSearchDocument {
  const enabledIn = flag.environments.filter(e => e.enabled).map(e => e.name);
  const off = flag.environments.filter(e => !e.enabled).map(e => e.name);
  const stacks = [
    ...new Set(flag.entities.map(e => e.stack).filter((s): s is string => !!s)),
  ].sort();
  const where = [
    enabledIn.length ? `on in ${enabledIn.join(', ')}` : '',
    off.length ? `off in ${off.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return {
    title: flag.name,
    text: sentences([
      flag.description.slice(0, DESCRIPTION_MAX),
      `${flag.stale ? 'Stale ' : ''}${flag.type} flag in project ${
        flag.project
      }${where ? `, ${where}` : ''}`,
      flag.entities.length
        ? `Used by ${flag.entities.map(e => e.title ?? e.entityRef).join(', ')}`
        : '',
      stacks.length ? `Stack: ${stacks.join(', ')}` : '',
      flag.tags.length
        ? `Tags: ${flag.tags.map(t => `${t.type}:${t.value}`).join(', ')}`
        : '',
    ]),
    location: flagPageLocation(flag.project, flag.name),
    project: flag.project,
    name: flag.name,
    flagType: flag.type,
    stale: flag.stale,
    enabledIn,
    entityRefs: flag.entities.map(e => e.entityRef),
    stacks,
  };
}
