/**
 * Batches concurrent database work: callers add items and wait for their own result; the first item runs at once,
 * and items that arrive while a batch is running go together in the next one. Each caller's promise settles only
 * after the batch holding its item has finished, and a batch starts after every call it holds was made, so:
 *  - as group commit, nothing is acknowledged before it is written, and one commit carries many items under load
 *    (a commit of one small row costs about as much as a commit of dozens: the WAL frames of the table and indexes);
 *  - as a read, a caller sees every write committed before its call, and concurrent lookups share one query
 *    (each query is a hop to SQLite's thread and back, which costs more than the lookup itself).
 */
export class Batcher<I, O = void> {
  readonly #run: (items: I[]) => Promise<O[] | undefined>;
  readonly #maxBatch: number;
  #queue: { item: I; resolve: (result: O) => void; reject: (error: unknown) => void }[] = [];
  #running: Promise<void> | undefined;

  /** `run` answers one result per item, in order (or nothing, for writes). */
  constructor(run: (items: I[]) => Promise<O[] | undefined>, options: { maxBatch?: number } = {}) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 200;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#running ??= this.#drain();
    });
  }

  /** How many items wait for a batch (not counting the batch running). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Settles when everything added so far has run (or failed). */
  async flushed(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = await this.#run(batch.map((b) => b.item));
          for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results?.[i] as O);
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }
}
