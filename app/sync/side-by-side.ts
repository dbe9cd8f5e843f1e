// Runs a sync's independent reads at the same time. Unlike Promise.all, it waits for every task to
// end before answering, so a failed task never leaves another still writing to the store after the
// run has been marked failed; the first failure in argument order is the one rethrown.
export async function sideBySide<T extends readonly unknown[]>(tasks: { readonly [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(tasks.map((task) => task()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
