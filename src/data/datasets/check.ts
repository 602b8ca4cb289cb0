import { checkImage } from '../images/decode.js';
import { indexDataset } from './catalog.js';
import { checkRecordImage } from './insightface.js';
import type { RawItem } from './types.js';

export interface CheckReport {
  dataset: string;
  splits: Record<string, { classes: number; images: number }>;
  problems: string[];
}

/**
 * `facet data check`: indexes the dataset, then reads the header of every listed image file or
 * record's image (`decode`), so an unreadable image shows here rather than mid-epoch.
 */
export async function checkDataset(spec: string, root: string | undefined, opts: { decode?: boolean; onImage?: () => void } = {}): Promise<CheckReport> {
  const index = indexDataset(spec, root);
  const splits: CheckReport['splits'] = {};
  for (const [name, items] of Object.entries(index.splits)) {
    splits[name] = { classes: new Set(items.map((it) => it.classId)).size, images: items.length };
  }
  const problems = [...index.problems];
  if (opts.decode !== false) {
    const absent = new Set(problems);
    const items = Object.values(index.splits).flat().filter((it) => (it.path && !absent.has(`image listed but absent: ${it.path}`)) || it.record);
    const check = (it: RawItem) => (it.record ? checkRecordImage(index.records!, it.record) : checkImage(it.path!));
    const batch = 64;
    for (let i = 0; i < items.length; i += batch) {
      const results = await Promise.allSettled(items.slice(i, i + batch).map(check));
      for (const r of results) {
        if (r.status === 'rejected') problems.push((r.reason as Error).message);
        opts.onImage?.();
      }
    }
  }
  return { dataset: index.name, splits, problems };
}
