import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from './dist/src/compute/backend.js';
import { synthFaces } from './dist/src/data/synth/synth-faces.js';
import { exactKnn } from './dist/src/knn/exact.js';
import { trainNaan } from './dist/src/models/naan/train.js';
const be = await setupBackend('auto');
const [k1,k2,bs,dim] = (process.argv[2]??'100,10,256,256').split(',').map(Number);
const data = synthFaces({ ids: 100, images: 3000, dim, seed: 1 });
const knn = exactKnn(data.features, Math.max(k1, 20)+1);
const opts = { kHops:[k1,k2], sampleHops: 20, epochs:1, batchSize: bs, nheads:1, lr:2e-3, lrDecay:0.1, weightDecay:5e-4, clipNorm:2, seed:0, maxStepsPerEpoch: 6 };
let times=[]; let t=Date.now();
opts.onStep = () => { const n=Date.now(); times.push(n-t); t=n; };
if (process.argv[3]==='profile') {
  const info = await tf.profile(() => { trainNaan(data.features, knn, data.labels, {...opts, maxStepsPerEpoch: 2}); });
  const agg = {};
  for (const k of info.kernels) { agg[k.name] ??= {ms:0,n:0}; agg[k.name].ms += typeof k.kernelTimeMs==='number'?k.kernelTimeMs:0; agg[k.name].n++; }
  console.log(Object.entries(agg).sort((a,b)=>b[1].ms-a[1].ms).slice(0,20).map(([k,v])=>`${k} ${v.ms.toFixed(0)}ms x${v.n}`).join('\n'));
} else {
  trainNaan(data.features, knn, data.labels, opts);
  console.log(be, 'step ms', times.join(' '), 'tensors', tf.memory().numTensors);
}
