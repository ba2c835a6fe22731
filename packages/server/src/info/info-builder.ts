/**
 * INFO [section ...]: genInfoSectionDict + genRedisInfoString. No argument (or `default`) gives
 * the default sections, `all` every section but the module ones, `everything` all of them;
 * section names are case-insensitive and each section starts with its `# Title` header, with a
 * blank line between sections and `\r\n` line ends.
 */
import {
  type InfoSources,
  clientsSection,
  commandstatsSection,
  cpuSection,
  errorstatsSection,
  keyspaceSection,
  memorySection,
  persistenceSection,
  serverSection,
  statsSection,
} from './info-sections';
import type { InfoField } from './replication-info';

interface SectionDef {
  readonly name: string;
  readonly title: string;
  readonly build: (s: InfoSources) => InfoField[];
  /** also printed for these requested names */
  readonly alsoFor?: readonly string[];
}

const SECTIONS: readonly SectionDef[] = [
  { name: 'server', title: 'Server', build: serverSection },
  { name: 'clients', title: 'Clients', build: clientsSection },
  { name: 'memory', title: 'Memory', build: memorySection },
  { name: 'persistence', title: 'Persistence', build: persistenceSection },
  { name: 'stats', title: 'Stats', build: statsSection },
  { name: 'replication', title: 'Replication', build: (s) => s.replicationInfo.replicationFields() },
  { name: 'cpu', title: 'CPU', build: () => cpuSection() },
  { name: 'module_list', title: 'Modules', build: () => [], alsoFor: ['modules'] },
  { name: 'commandstats', title: 'Commandstats', build: commandstatsSection },
  { name: 'errorstats', title: 'Errorstats', build: errorstatsSection },
  { name: 'latencystats', title: 'Latencystats', build: () => [] },
  { name: 'cluster', title: 'Cluster', build: () => [['cluster_enabled', 0]] },
  { name: 'keyspace', title: 'Keyspace', build: keyspaceSection },
];

export const DEFAULT_INFO_SECTIONS: readonly string[] = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

export interface InfoSelection {
  readonly sections: ReadonlySet<string>;
  readonly all: boolean;
}

/** genInfoSectionDict */
export function selectInfoSections(args: readonly string[]): InfoSelection {
  if (args.length === 0) return { sections: new Set(DEFAULT_INFO_SECTIONS), all: false };
  const sections = new Set<string>();
  let all = false;
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const d of DEFAULT_INFO_SECTIONS) sections.add(d);
    else if (l === 'all' || l === 'everything') all = true;
    else sections.add(l);
  }
  return { sections, all };
}

/** getSafeInfoString: `#`, `:`, `\r`, `\n` in a field name become `_`. */
function safe(text: string): string {
  return text.replace(/[#:\r\n]/g, '_');
}

/** The INFO text for a selection. */
export function buildInfo(sources: InfoSources, selection: InfoSelection): string {
  const parts: string[] = [];
  for (const def of SECTIONS) {
    const wanted = selection.all || selection.sections.has(def.name) || (def.alsoFor?.some((n) => selection.sections.has(n)) ?? false);
    if (!wanted) continue;
    let text = `# ${def.title}\r\n`;
    for (const [k, v] of def.build(sources)) text += `${safe(k)}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}
