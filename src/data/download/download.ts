import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { indexDataset } from '../datasets/catalog.js';
import { writeFileAtomic } from '../files/index.js';
import { extractTgz, extractZip } from './extract.js';
import { fetchFile, md5OfFile, type FetchOptions } from './fetch.js';
import { INSHOP_MANUAL, SOURCES, type DatasetSource } from './sources.js';

/** written once a dataset is fetched, verified, extracted and indexed without problems */
export const VERIFIED_MARKER = '.facet-verified.json';

export interface DownloadOptions {
  /** fetch every file from this base URL (its name appended) instead of the published one */
  url?: string;
  /** keep the archives after extraction (default: delete them) */
  keepArchives?: boolean;
  log?: (line: string) => void;
  onBytes?: FetchOptions['onBytes'];
  /** a different source description (a mirror with its own checksums; tests) */
  source?: DatasetSource;
}

export interface DownloadResult {
  dataset: string;
  dir: string;
  /** false when the dataset was already there, verified: nothing was fetched */
  fetched: boolean;
  files: string[];
}

/** the dataset as extracted indexes with no problems, and the marker says it was verified */
function alreadyVerified(name: string, root: string, dir: string): boolean {
  if (!existsSync(join(dir, VERIFIED_MARKER))) return false;
  try {
    return indexDataset(name, name === 'fashion-mnist' ? dir : root).problems.length === 0;
  } catch {
    return false;
  }
}

/**
 * `facet data download`: fetches a dataset's files (resumable, MD5-verified), extracts them and
 * checks the result opens. Idempotent: a dataset already extracted and verified is not fetched
 * again — unlike the reference, which re-downloads whenever the zip alone is missing.
 */
export async function downloadDataset(name: string, root: string, o: DownloadOptions = {}): Promise<DownloadResult> {
  if (name === 'inshop') throw new Error(INSHOP_MANUAL.replace(/ROOT/g, root));
  const source = o.source ?? SOURCES[name];
  if (!source) throw new Error(`facet data download: unknown dataset "${name}": expected one of ${Object.keys(SOURCES).join(', ')} (inshop is manual)`);
  const log = o.log ?? (() => undefined);
  const dir = join(root, source.folder);
  if (alreadyVerified(name, root, dir)) {
    log(`${name}: already downloaded and verified in ${dir}`);
    return { dataset: name, dir, fetched: false, files: [] };
  }
  const target = join(root, source.extractTo);
  mkdirSync(target, { recursive: true });
  const files: string[] = [];
  for (const f of source.files) {
    const url = o.url ? `${o.url.replace(/\/+$/, '')}/${f.name}` : f.url;
    // archives are fetched beside the dataset; plain files straight to where they belong
    const dest = join(f.extract ? root : target, f.name);
    if (existsSync(dest) && f.md5 && (await md5OfFile(dest)) !== f.md5) unlinkSync(dest);
    if (!existsSync(dest)) {
      log(`${name}: fetching ${url}`);
      await fetchFile(url, dest, { md5: f.md5, onBytes: o.onBytes });
    }
    if (f.extract) {
      log(`${name}: extracting ${f.name}`);
      const n = f.extract === 'zip' ? await extractZip(dest, target) : await extractTgz(dest, target);
      log(`${name}: ${n} files extracted`);
      if (!o.keepArchives) unlinkSync(dest);
    }
    files.push(dest);
  }
  const index = indexDataset(name, name === 'fashion-mnist' ? dir : root);
  if (index.problems.length > 0) {
    throw new Error(`${name}: downloaded, but the dataset in ${dir} does not open: ${index.problems.slice(0, 3).join('; ')}`);
  }
  const counts = Object.fromEntries(Object.entries(index.splits).map(([k, v]) => [k, v.length]));
  writeFileAtomic(join(dir, VERIFIED_MARKER), JSON.stringify({ dataset: name, files: source.files.map((f) => ({ name: f.name, md5: f.md5 ?? null })), images: counts, verifiedAt: new Date().toISOString() }, null, 2) + '\n');
  return { dataset: name, dir, fetched: true, files };
}

