import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher.js";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("Batcher", () => {
  it("writes the first item at once and everything that arrived meanwhile in the next write", async () => {
    const writes: number[][] = [];
    const gates = [deferred(), deferred()];
    const group = new Batcher<number>(async (items) => {
      writes.push(items);
      await gates[writes.length - 1]!.promise;
      return undefined;
    });
    const settled: number[] = [];
    const adds = [1, 2, 3, 4].map((n) => group.add(n).then(() => settled.push(n)));
    await Promise.resolve();
    expect(writes).toEqual([[1]]);
    gates[0]!.resolve();
    await adds[0];
    expect(settled).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([[1], [2, 3, 4]]);
    expect(settled).toEqual([1]); // nobody hears "written" before their write has finished
    gates[1]!.resolve();
    await Promise.all(adds);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it("a failed write rejects exactly the callers whose items it held, and later writes go on", async () => {
    let calls = 0;
    const group = new Batcher<string>(async (items) => {
      calls++;
      if (items.includes("bad")) throw new Error("constraint failed");
      return undefined;
    });
    const first = group.add("ok-1");
    const bad = group.add("bad");
    const sameBatch = group.add("ok-2");
    await expect(first).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("constraint failed");
    await expect(sameBatch).rejects.toThrow("constraint failed");
    await expect(group.add("ok-3")).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  it("caps a batch and flushed() waits for everything added", async () => {
    const sizes: number[] = [];
    const group = new Batcher<number>(
      async (items) => {
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 1));
        return undefined;
      },
      { maxBatch: 3 },
    );
    for (let i = 0; i < 10; i++) void group.add(i);
    await group.flushed();
    expect(sizes).toEqual([1, 3, 3, 3]);
  });

  it("as a read, each caller gets the result for its own item", async () => {
    const runs: string[][] = [];
    const lookup = new Batcher<string, string>(async (keys) => {
      runs.push(keys);
      await new Promise((r) => setImmediate(r));
      return keys.map((k) => k.toUpperCase());
    });
    const results = await Promise.all(["a", "b", "c"].map((k) => lookup.add(k)));
    expect(results).toEqual(["A", "B", "C"]);
    expect(runs).toEqual([["a"], ["b", "c"]]);
  });
});
