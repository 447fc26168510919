/** The writer connection's turn-taking: one transaction (or one write outside a transaction) at a time. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #held = false;

  /** Whether someone holds the lock now. */
  get held(): boolean {
    return this.#held;
  }

  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = () => {
        this.#held = false;
        resolve();
      };
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    return previous.then(() => {
      this.#held = true;
      return release;
    });
  }
}
