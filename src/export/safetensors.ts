// The pruned network's weights as safetensors with PyTorch's state keys (catrain's module keys already
// follow torch.nn / torchvision naming), every tensor row-major whatever its memory format here.
// Normalisation is not baked into weights: the metadata says which mean/std the caller applies.
import * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';

export function encodeStateDict(model: Module, metadata: Readonly<Record<string, string>>): Uint8Array {
  return E.noGrad(() =>
    E.scope(() => {
      const raw = new Map<string, E.RawTensor>();
      for (const [key, tensor] of model.stateDict()) raw.set(key, E.toRawTensor(tensor.cpu().contiguous()));
      return E.encodeSafetensors(raw, { format: 'pt', ...metadata });
    }),
  );
}
