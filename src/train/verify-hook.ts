import type { ImageNormalization } from '../data/images/normalization.js';
import type { EpochHook } from './trainer.js';
import { modelEmbedder } from './run-embedder.js';
import { loadVerificationSet, verifySet, type VerificationSet } from './verification-sets.js';

/** One .bin's entry in an epoch's `verify` record: flip accuracy, its std over the folds, the best so far. */
export interface VerifyEntry { accuracy: number; std: number; best: number }

/** Decodes every .bin once, before training, at the model's input shape; names (file names) must differ. */
export async function loadVerificationSets(paths: string[], inputShape: number[]): Promise<VerificationSet[]> {
  const sets: VerificationSet[] = [];
  for (const p of paths) {
    const s = await loadVerificationSet(p, inputShape);
    // checked now, not after the first epoch: the hook evaluates 10 folds
    if (s.pairs.same.length < 10) throw new Error(`--verify ${p}: ${s.pairs.same.length} pairs; the 10-fold accuracy needs at least 10`);
    const same = sets.find((t) => t.name === s.name);
    if (same) throw new Error(`--verify: ${same.path} and ${p} have the same name "${s.name}"; rename one`);
    sets.push(s);
  }
  return sets;
}

/**
 * arcface_torch's CallBackVerification as an epoch hook: after each epoch every set's 10-fold
 * Accuracy-Flip (as arcface_torch reports it), its std and the highest so far, logged as
 * `verify: {name: {accuracy, std, best}}`; with `selects`, the mean accuracy over the sets picks the best epoch.
 */
export function verificationHook(sets: VerificationSet[], o: { selects: boolean; imageNormalization: ImageNormalization; batchSize?: number }): EpochHook {
  return {
    name: 'verify',
    ...(o.selects && { selects: { metric: 'meanAccuracy' } }),
    async run(model, epoch, history) {
      const embedder = modelEmbedder(model, `epoch ${epoch}`, o.imageNormalization);
      const entry: Record<string, VerifyEntry> = {};
      for (const s of sets) {
        const m = await verifySet(embedder, s, { flip: true, batchSize: o.batchSize });
        const earlier = history.map((r) => (r.verify as Record<string, VerifyEntry> | undefined)?.[s.name]?.accuracy ?? -Infinity);
        entry[s.name] = { accuracy: m.accuracyFlip!, std: m.stdFlip!, best: Math.max(m.accuracyFlip!, ...earlier) };
      }
      const score = Object.values(entry).reduce((a, e) => a + e.accuracy, 0) / sets.length;
      return { entry, score };
    },
  };
}
