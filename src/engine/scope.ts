// Scopes free every tensor created inside them that is neither returned nor kept (like tf.tidy),
// and they follow async functions across `await` because the active scope lives in AsyncLocalStorage.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a scope needs from a tensor; the Tensor class implements it. */
export interface ScopedResource {
  readonly isDisposed: boolean;
  dispose(): void;
  /** Set by keep(): scopes never free a kept tensor. */
  kept: boolean;
  /** Called when the resource leaves every scope alive (returned from the outermost, or kept). */
  outliveScopes(): void;
}

class Frame {
  readonly tracked: ScopedResource[] = [];
  closed = false;
  constructor(readonly name: string, readonly parent: Frame | undefined) {}
}

const active = new AsyncLocalStorage<Frame>();

/** Called by every new tensor; true when a scope took ownership of it. */
export function track(resource: ScopedResource): boolean {
  const frame = active.getStore();
  if (frame === undefined) return false;
  if (frame.closed) {
    throw new Error(
      `scope '${frame.name}' already ended but code inside it is still creating tensors: ` +
        'await every promise inside the scope before it returns',
    );
  }
  frame.tracked.push(resource);
  return true;
}

function collect(value: unknown, into: Set<ScopedResource>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isScoped(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, seen);
  } else if (value instanceof Map) {
    for (const item of value.values()) collect(item, into, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collect(item, into, seen);
  }
}

function isScoped(value: object): value is ScopedResource {
  return 'dispose' in value && 'kept' in value && 'isDisposed' in value;
}

function close(frame: Frame, result: unknown): void {
  frame.closed = true;
  const returned = new Set<ScopedResource>();
  collect(result, returned, new Set());
  const returnedDisposed = [...returned].some((resource) => resource.isDisposed);
  // A returned tensor created here now belongs to the enclosing scope, which frees it unless it
  // returns it too; one created outside this scope keeps the owner it had.
  const parent = frame.parent !== undefined && !frame.parent.closed ? frame.parent : undefined;
  for (const resource of frame.tracked) {
    if (resource.kept) continue;
    if (!returned.has(resource) || returnedDisposed) resource.dispose();
    else if (parent !== undefined) parent.tracked.push(resource);
    else resource.outliveScopes();
  }
  // Checked after freeing, so that the misuse does not also leak the scope's other tensors.
  if (returnedDisposed) throw new Error(`scope '${frame.name}' returned a tensor that was already disposed`);
}

/**
 * Runs `fn` and frees every tensor created during it, except those it returns (found inside arrays,
 * Maps and plain objects) and those passed to keep(). Async functions are supported: the scope ends
 * when the returned promise settles. If `fn` throws, everything it created is freed.
 */
export function scope<T>(fn: () => T, name = 'scope'): T {
  const frame = new Frame(name, active.getStore());
  let result: T;
  try {
    result = active.run(frame, fn);
  } catch (error) {
    close(frame, undefined);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        close(frame, value);
        return value;
      },
      (error: unknown) => {
        close(frame, undefined);
        throw error;
      },
    ) as T;
  }
  close(frame, result);
  return result;
}

/** Exempts tensors from every scope; the caller disposes them. Returns its argument. */
export function keep<T extends ScopedResource>(resource: T): T {
  if (resource.isDisposed) throw new Error('keep() was given a tensor that is already disposed');
  resource.kept = true;
  resource.outliveScopes();
  return resource;
}

/** Disposes every tensor found in a value (a tensor, or arrays, Maps and plain objects of them). */
export function disposeAll(value: unknown): void {
  const found = new Set<ScopedResource>();
  collect(value, found, new Set());
  for (const resource of found) resource.dispose();
}

export function inScope(): boolean {
  return active.getStore() !== undefined;
}
