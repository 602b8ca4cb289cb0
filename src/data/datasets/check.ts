import { checkImage } from '../images/decode.js';
import { indexDataset } from './catalog.js';

export interface CheckReport {
  dataset: string;
  splits: Record<string, { classes: number; images: number }>;
  problems: string[];
}

/**
 * `facet data check`: indexes the dataset, then reads the header of every listed image file
 * (`decode`), so an unreadable image shows here rather than mid-epoch.
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
    const paths = Object.values(index.splits).flat().map((it) => it.path).filter((p): p is string => !!p && !absent.has(`image listed but absent: ${p}`));
    const batch = 64;
    for (let i = 0; i < paths.length; i += batch) {
      const results = await Promise.allSettled(paths.slice(i, i + batch).map((p) => checkImage(p)));
      for (const r of results) {
        if (r.status === 'rejected') problems.push((r.reason as Error).message);
        opts.onImage?.();
      }
    }
  }
  return { dataset: index.name, splits, problems };
}
