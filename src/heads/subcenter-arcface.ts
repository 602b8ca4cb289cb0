import { arcFace } from './arcface.js';
import type { MarginDefinition } from './margin.js';

/**
 * Sub-center ArcFace (Deng et al., ECCV 2020; insightface): K sub-centres per class, a class's cosine
 * is the largest of its sub-centres', then ArcFace's margin. Noisy samples gather at a non-dominant
 * sub-centre instead of pulling the class's main one. K = 3, the paper's choice.
 */
export const subcenterArcFace: MarginDefinition = { ...arcFace, title: 'sub-center ArcFace', subCenters: 3 };
