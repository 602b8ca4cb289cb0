import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export type BackendName = 'auto' | 'native' | 'tensorflow' | 'cpu' | 'wasm';

/** Selects the TensorFlow.js backend for autodiff models and returns the name in use. */
export async function setupBackend(name: BackendName = 'auto'): Promise<string> {
  const wanted = name === 'auto' ? 'cpu' : name;
  if (!(await tf.setBackend(wanted))) throw new Error(`backend "${name}" is not available`);
  await tf.ready();
  return tf.getBackend();
}
