// Memory scopes: what a scope frees, what survives it and who owns it afterwards, keep(), dispose,
// async scopes across `await`, disposeAll, and the FinalizationRegistry backstop for dropped tensors.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import * as E from '../../src/engine/index.js';

const live = (): number => E.memory().tensors;

/** A promise with its resolver, to interleave async scopes in a chosen order. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const mentionsDispose = (error: unknown): boolean => error instanceof Error && /dispose/i.test(error.message);

test('a scope frees every tensor created inside it that is not returned', () => {
  const before = live();
  const created: E.Tensor[] = [];
  assert.equal(E.inScope(), false);
  const result = E.scope(() => {
    assert.equal(E.inScope(), true);
    const a = E.ones([2, 3]);
    const b = E.randn([2, 3]);
    const c = a.add(b).mul(2); // two results: add and mul
    const d = E.tensor([1, 2, 3]);
    created.push(a, b, c, d);
    assert.equal(live(), before + 5, 'five tensors are live inside the scope');
    return c.sum().item(); // a plain value: nothing returned to keep, the sum is freed too
  });
  assert.equal(typeof result, 'number');
  assert.equal(live(), before, 'every tensor created inside the scope was freed');
  for (const t of created) assert.equal(t.isDisposed, true);
  assert.equal(E.inScope(), false);
});

test('a returned tensor survives its scope and is then owned by the enclosing scope', () => {
  const before = live();
  let inner: E.Tensor | undefined;
  let temp: E.Tensor | undefined;
  E.scope(() => {
    inner = E.scope(() => {
      temp = E.zeros([4]);
      return temp.add(1);
    });
    assert.equal(inner.isDisposed, false);
    assert.equal(temp?.isDisposed, true, 'the temporary inside the inner scope is freed');
    assert.deepEqual(inner.toArray(), [1, 1, 1, 1]);
    assert.equal(live(), before + 1);
  });
  assert.equal(inner?.isDisposed, true, 'the outer scope freed the tensor the inner scope returned');
  assert.equal(live(), before);

  // Returned through two scopes to top level: nobody frees it, the caller does.
  const top = E.scope(() => E.scope(() => E.ones([2])));
  assert.equal(top.isDisposed, false);
  assert.equal(live(), before + 1);
  top.dispose();
  assert.equal(live(), before);
});

test('tensors returned inside arrays, nested objects and Maps survive, then the enclosing scope owns them', () => {
  const before = live();
  let result: { list: E.Tensor[]; nested: { deep: { t: E.Tensor; n: number } }; map: Map<string, E.Tensor>; pair: [E.Tensor, string] } | undefined;
  let dropped: E.Tensor | undefined;
  E.scope(() => {
    result = E.scope(() => {
      dropped = E.ones([3]);
      return {
        list: [E.ones([1]), E.zeros([2])],
        nested: { deep: { t: E.full([2], 7), n: 3 } },
        map: new Map([['w', E.eye(2)]]),
        pair: [E.arange(3), 'label'] as [E.Tensor, string],
      };
    });
    assert.equal(dropped?.isDisposed, true, 'the tensor that was not returned is freed');
    assert.equal(live(), before + 5, 'the five returned tensors are alive');
    assert.deepEqual(result.nested.deep.t.toArray(), [7, 7]);
    assert.deepEqual(result.map.get('w')?.toArray(), [1, 0, 0, 1]);
    assert.deepEqual(result.pair[0].toArray(), [0, 1, 2]);
    assert.equal(result.list[0]?.isDisposed, false);
  });
  assert.equal(live(), before, 'the outer scope freed everything the inner scope returned');
  assert.ok(result !== undefined);
  for (const t of [...result.list, result.nested.deep.t, result.map.get('w') as E.Tensor, result.pair[0]]) {
    assert.equal(t.isDisposed, true);
  }
});

test('a tensor created outside and returned from an inner scope is not freed by the outer scope', () => {
  const before = live();
  let outsider: E.Tensor | undefined;
  E.scope(() => {
    outsider = E.ones([3]); // owned by this (outermost) scope
    const o = outsider;
    E.scope(() => {
      const passedThrough = E.scope(() => {
        E.zeros([1]); // a temporary
        return o; // created outside: returning it must not transfer it
      });
      assert.equal(passedThrough, o);
      // The middle scope returns nothing: if it had taken ownership of `o`, it would free it now.
    });
    assert.equal(o.isDisposed, false, 'the middle scope did not free a tensor it never owned');
    assert.deepEqual(o.toArray(), [1, 1, 1]);
    assert.equal(live(), before + 1);
  });
  assert.equal(outsider?.isDisposed, true, 'its real owner freed it');
  assert.equal(live(), before);

  // A top-level tensor passed through nested scopes is never freed by them.
  const free = E.ones([2]);
  E.scope(() => E.scope(() => free));
  assert.equal(free.isDisposed, false);
  free.dispose();
  assert.equal(live(), before);
});

test('keep() exempts a tensor from every scope until it is disposed by hand', () => {
  const before = live();
  let kept: E.Tensor | undefined;
  let temp: E.Tensor | undefined;
  E.scope(() => {
    E.scope(() => {
      kept = E.keep(E.ones([2, 2]));
      temp = E.ones([2, 2]);
    });
    assert.equal(kept?.isDisposed, false);
  });
  assert.equal(temp?.isDisposed, true);
  assert.ok(kept !== undefined);
  assert.equal(kept.isDisposed, false, 'no scope freed the kept tensor');
  assert.equal(kept.kept, true);
  assert.equal(live(), before + 1);
  assert.equal(E.keep(kept), kept, 'keep returns its argument');
  kept.dispose();
  assert.equal(live(), before);
  assert.throws(() => E.keep(kept as E.Tensor), /already disposed/);

  // A kept tensor that is also returned is not handed to the enclosing scope either.
  const k = E.scope(() => E.scope(() => E.keep(E.zeros([1]))));
  E.scope(() => E.scope(() => k));
  assert.equal(k.isDisposed, false);
  k.dispose();
  assert.equal(live(), before);
});

test('dispose is idempotent and never frees a tensor that reused the slot', () => {
  const before = live();
  const a = E.ones([3]);
  const b = E.ones([3]);
  assert.equal(live(), before + 2);
  a.dispose();
  assert.equal(a.isDisposed, true);
  assert.equal(live(), before + 1);
  a.dispose();
  assert.equal(live(), before + 1, 'a second dispose changes nothing');
  // A new tensor may take a's freed slot; disposing a again must not free it.
  const c = E.full([3], 5);
  a.dispose();
  assert.equal(c.isDisposed, false);
  assert.deepEqual(c.toArray(), [5, 5, 5]);
  assert.equal(live(), before + 2);
  assert.equal(String(a), 'Tensor(disposed)');

  // A tensor disposed by hand inside a scope is not disposed twice (or counted twice) at its end.
  E.scope(() => {
    const t = E.ones([1]);
    t.dispose();
    t.dispose();
    E.ones([1]);
  });
  assert.equal(live(), before + 2);
  E.disposeAll([b, c, b]);
  assert.equal(live(), before);
});

test('using a disposed tensor throws an Error mentioning dispose, via a method or an op', () => {
  const before = live();
  const other = E.ones([2]);
  const gone = E.ones([2]);
  gone.dispose();
  assert.throws(() => gone.add(1), mentionsDispose);
  assert.throws(() => gone.data(), mentionsDispose);
  assert.throws(() => gone.sum(), mentionsDispose);
  assert.throws(() => gone.handle, mentionsDispose);
  assert.throws(() => gone.requiresGrad, mentionsDispose);
  assert.throws(() => E.add(other, gone), mentionsDispose, 'as the second operand of an op');
  assert.throws(() => other.mul(gone), mentionsDispose, 'as the argument of a method');
  assert.throws(() => E.cat([other, gone]), mentionsDispose, 'inside a tensor list');
  assert.throws(() => other.add_(gone), mentionsDispose, 'in an in-place op');

  // A tensor freed by its scope, then used outside it.
  const escaped = E.scope(() => {
    const t = E.ones([2]);
    return { value: t.sum().item(), leaked: t };
  }).leaked;
  let captured: E.Tensor | undefined;
  E.scope(() => {
    captured = E.ones([2]); // escapes through a closure, not by being returned
  });
  assert.ok(captured !== undefined);
  const leakedLater = captured;
  assert.equal(escaped.isDisposed, false, 'returned in an object, it survived');
  assert.equal(leakedLater.isDisposed, true);
  assert.throws(() => leakedLater.neg(), mentionsDispose);
  assert.throws(() => E.relu(leakedLater), mentionsDispose);
  escaped.dispose();
  other.dispose();
  assert.equal(live(), before);
});

test('a scope whose fn throws frees its tensors and rethrows the same error', async () => {
  const before = live();
  const boom = new Error('boom');
  let inside: E.Tensor[] = [];
  assert.throws(
    () =>
      E.scope(() => {
        const returnedFromInner = E.scope(() => E.ones([2]));
        inside = [E.ones([2]), returnedFromInner];
        throw boom;
      }),
    (error: unknown) => error === boom,
  );
  assert.equal(live(), before, 'nothing leaked');
  for (const t of inside) assert.equal(t.isDisposed, true);

  // A libtorch error inside a scope: the inputs are freed, the TorchError propagates.
  assert.throws(() => E.scope(() => E.add(E.ones([2]), E.ones([3]))), E.TorchError);
  assert.equal(live(), before);

  // An async scope whose promise rejects.
  let late: E.Tensor | undefined;
  await assert.rejects(
    E.scope(async () => {
      E.ones([3]);
      await sleep(1);
      late = E.ones([3]);
      throw boom;
    }),
    (error: unknown) => error === boom,
  );
  assert.equal(late?.isDisposed, true);
  assert.equal(live(), before);
});

test('an async scope tracks tensors created after await and frees them at its end', async () => {
  const before = live();
  const made: E.Tensor[] = [];
  let outsider: E.Tensor | undefined;
  const pending = E.scope(async () => {
    made.push(E.ones([2]));
    await sleep(5);
    made.push(E.ones([2])); // after a timer
    await Promise.resolve();
    made.push(E.ones([2])); // after a microtask
    assert.equal(E.inScope(), true, 'the scope is still active after await');
    await sleep(1);
    return E.full([2], 3);
  });
  // While the scope is suspended, code outside it creates a tensor: the scope must not own it.
  outsider = E.ones([4]);
  assert.equal(E.inScope(), false);
  const result = await pending;
  assert.equal(made.length, 3);
  for (const t of made) assert.equal(t.isDisposed, true, 'tensors created after await were tracked and freed');
  assert.equal(result.isDisposed, false);
  assert.deepEqual(result.toArray(), [3, 3]);
  assert.equal(outsider.isDisposed, false, 'a tensor created outside the scope during its await was not freed by it');
  assert.equal(live(), before + 2);
  E.disposeAll([result, outsider]);
  assert.equal(live(), before);
});

test('two concurrent async scopes do not free each other’s tensors', async () => {
  const before = live();
  const aMid = gate();
  const aEnd = gate();
  const bEnd = gate();
  const a: E.Tensor[] = [];
  const b: E.Tensor[] = [];
  const pa = E.scope(async () => {
    a.push(E.ones([1])); // a[0]
    await aMid.promise;
    a.push(E.ones([1])); // a[1], created while B is suspended
    await aEnd.promise;
    return a[1] as E.Tensor;
  }, 'A');
  const pb = E.scope(async () => {
    b.push(E.ones([1])); // b[0]
    await bEnd.promise;
    b.push(E.ones([1])); // b[1], created while A is suspended
    return b[1] as E.Tensor;
  }, 'B');
  assert.equal(live(), before + 2);

  aMid.open();
  await sleep(1);
  assert.equal(a.length, 2);
  bEnd.open();
  const bResult = await pb; // B ends while A is still running
  assert.equal(b[0]?.isDisposed, true, 'B freed its own temporary');
  assert.equal(bResult.isDisposed, false);
  assert.equal(a[0]?.isDisposed, false, 'B did not free A’s first tensor');
  assert.equal(a[1]?.isDisposed, false, 'B did not free the tensor A created while B was suspended');

  aEnd.open();
  const aResult = await pa;
  assert.equal(a[0]?.isDisposed, true, 'A freed its own temporary');
  assert.equal(aResult.isDisposed, false);
  assert.equal(bResult.isDisposed, false, 'A did not free B’s result');
  assert.equal(live(), before + 2);
  E.disposeAll([aResult, bResult]);

  // Many interleaved scopes, each creating tensors around random awaits and returning one.
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      E.scope(async () => {
        const own: E.Tensor[] = [];
        for (let k = 0; k < 4; k++) {
          own.push(E.full([1], i));
          await sleep((i * 7 + k * 3) % 4);
        }
        return own[own.length - 1] as E.Tensor;
      }),
    ),
  );
  assert.deepEqual(
    results.map((t) => t.item()),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(live(), before + 8);
  E.disposeAll(results);
  assert.equal(live(), before);
});

test('returning a disposed tensor from a scope throws', async () => {
  assert.throws(
    () =>
      E.scope(() => {
        const t = E.ones([2]);
        t.dispose();
        return t;
      }),
    /already disposed/,
  );
  assert.throws(
    () =>
      E.scope(() => {
        const t = E.ones([2]);
        t.dispose();
        return { nested: [t] };
      }),
    /already disposed/,
  );
  await assert.rejects(
    E.scope(async () => {
      await Promise.resolve();
      const t = E.ones([2]);
      t.dispose();
      return new Map([['t', t]]);
    }),
    /already disposed/,
  );
});

test(
  'returning a disposed tensor from a scope still frees the scope’s other tensors',
  () => {
    const before = live();
    let other: E.Tensor | undefined;
    assert.throws(
      () =>
        E.scope(() => {
          other = E.ones([2]);
          const t = E.ones([2]);
          t.dispose();
          return t;
        }),
      /already disposed/,
    );
    const leaked = other?.isDisposed === false;
    other?.dispose(); // clean up, so later tests' counts are not affected
    assert.equal(leaked, false, 'the scope freed the tensor it did not return');
    assert.equal(live(), before);
  },
);

test('disposeAll disposes every tensor in nested containers', () => {
  const before = live();
  const t = Array.from({ length: 6 }, (_, i) => E.full([2], i));
  const cyclic: { self?: unknown; t: E.Tensor } = { t: t[5] as E.Tensor };
  cyclic.self = cyclic;
  const value = {
    a: t[0],
    list: [t[1], [t[2], { deep: t[3] }], 'text', 42, null, undefined],
    map: new Map<string, unknown>([
      ['x', t[4]],
      ['again', t[0]], // the same tensor twice
    ]),
    cyclic,
  };
  assert.equal(live(), before + 6);
  E.disposeAll(value);
  for (const x of t) assert.equal(x.isDisposed, true);
  assert.equal(live(), before);
  E.disposeAll(value); // already disposed: harmless
  E.disposeAll(null);
  E.disposeAll(3);
  assert.equal(live(), before);

  // A lone tensor.
  const lone = E.ones([1]);
  E.disposeAll(lone);
  assert.equal(lone.isDisposed, true);
  assert.equal(live(), before);
});

/** Creates tensors outside any scope and drops every reference to them. */
function createGarbage(count: number, make: (i: number) => E.Tensor = (i) => E.full([16], i)): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const t = make(i);
    total += t.numel;
  }
  return total;
}

type Gc = () => void;

/** Collects until the live count is back at `baseline` or 20 rounds passed; returns the live count. */
async function collectDown(gc: Gc, baseline: number): Promise<number> {
  let now = live();
  for (let round = 0; round < 20 && now > baseline; round++) {
    gc();
    await sleep(10); // finalizers run as separate tasks after a collection
    now = live();
  }
  return now;
}

async function settledBaseline(gc: Gc): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(10);
  }
  return live();
}

/** The exposed collector, or undefined after marking the test skipped (node without --expose-gc). */
function gcOrSkip(t: TestContext): Gc | undefined {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (gc === undefined) t.skip('run node with --expose-gc to check the finalizer backstop');
  return gc;
}

test('the FinalizationRegistry backstop frees tensors that were dropped without dispose', async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const before = await settledBaseline(gc);
  const count = 200;
  assert.equal(createGarbage(count), count * 16);
  const afterCreate = live();
  assert.equal(afterCreate, before + count, 'the dropped tensors are still live before GC');
  const now = await collectDown(gc, before);
  t.diagnostic(`live tensors: ${before} before, ${afterCreate} after creating ${count}, ${now} after GC`);
  assert.ok(now <= before, `the GC freed the dropped tensors (live ${now}, baseline ${before})`);
});

test('tensors that leave every scope alive (returned from the outermost, or kept) get the backstop too', async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const before = await settledBaseline(gc);
  createGarbage(50, (i) => E.scope(() => E.scope(() => E.full([16], i).add(1))));
  createGarbage(50, (i) => E.scope(() => E.keep(E.full([16], i))));
  assert.equal(live(), before + 100, 'the escaped tensors are live before GC');
  const now = await collectDown(gc, before);
  assert.ok(now <= before, `the GC freed the escaped tensors (live ${now}, baseline ${before})`);
});

test('a late finalizer of a disposed tensor never frees the tensor that reuses its slot', async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const survivors: E.Tensor[] = [];
  for (let i = 0; i < 100; i++) {
    E.full([4], i).dispose();
    survivors.push(E.keep(E.full([4], i)));
  }
  await collectDown(gc, 0);
  await collectDown(gc, 0);
  survivors.forEach((tensor, i) => {
    assert.equal(tensor.isDisposed, false);
    assert.deepEqual(tensor.toArray(), [i, i, i, i]);
  });
  E.disposeAll(survivors);
});
