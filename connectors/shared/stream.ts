// What a connector stream is, for every platform: a name, the canonical model it yields, and
// `pull`, which yields pages of records each with the checkpoint to save alongside them.

export interface StreamPage<T> {
  records: T[];
  /** Checkpoint text to save in the same transaction as `records`. */
  checkpoint: string;
}

export interface Stream<T, Context> {
  name: string;
  model: 'customer' | 'order' | 'contact';
  pull(ctx: Context, checkpoint: string | null): AsyncIterable<StreamPage<T>>;
}
