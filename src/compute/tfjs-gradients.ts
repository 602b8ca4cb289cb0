import { register } from 'node:module';

let done: Promise<void> | undefined;

/**
 * Registers the gradient of every tfjs op. tfjs-core's Node bundle leaves them out (the
 * @tensorflow/tfjs union package adds them), so without this tf.grad fails with "gradient function
 * not found". The gradients live only in tfjs-core's ES-module build; its registries are global, so
 * gradients registered from there serve the bundle facet imports.
 */
export function registerAllGradients(): Promise<void> {
  done ??= (async () => {
    register('./tfjs-esm-hook.js', import.meta.url);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return done;
}
