/**
 * An async iterator over `source` that yields `map(value)` and skips the values it maps to
 * undefined. Unlike an async generator, `return()` reaches the source at once even while a
 * `next()` is waiting for an event, so a client that unsubscribes releases its pub/sub
 * subscription immediately instead of at the next event.
 */
export function filterMapAsyncIterator<T, U>(source: AsyncIterator<T>, map: (value: T) => Promise<U | undefined>): AsyncIterableIterator<U> {
  const done = (): IteratorResult<U> => ({ done: true, value: undefined });
  return {
    async next(): Promise<IteratorResult<U>> {
      for (;;) {
        const r = await source.next();
        if (r.done) return done();
        const mapped = await map(r.value);
        if (mapped !== undefined) return { done: false, value: mapped };
      }
    },
    async return(): Promise<IteratorResult<U>> {
      await source.return?.();
      return done();
    },
    async throw(e?: unknown): Promise<IteratorResult<U>> {
      await source.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
