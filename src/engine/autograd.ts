// Grad-mode scopes. Gradients themselves live on Tensor (backward, grad, zeroGrad).
import { native } from './native.js';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = native.setGradEnabled(enabled);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    native.setGradEnabled(previous);
    throw error;
  }
  native.setGradEnabled(previous);
  if (result instanceof Promise) {
    throw new Error('noGrad/enableGrad take a synchronous function: grad mode is thread-wide and would leak across await');
  }
  return result;
}

/** Runs `fn` without recording autograd history (evaluation, optimiser updates, surgery). */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);
/** Runs `fn` with autograd recording, even inside noGrad. */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, fn);
export const isGradEnabled = (): boolean => native.isGradEnabled();
