/**
 * The report source's slow path, for a service without the report store's range queries: items fetched one at a
 * time, at most `limit` in flight.
 */
import type { PrescriptionView } from "../service/types.js";
import type { RefillLogSource } from "./refill-log-data.js";

export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
      done++;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function prescriptionsOneByOne(
  source: RefillLogSource,
  ids: readonly string[],
  onDone: (done: number) => void,
): Promise<Map<string, PrescriptionView>> {
  const found = await mapLimited(ids, 16, (id) => source.prescription(id), onDone);
  const byId = new Map<string, PrescriptionView>();
  found.forEach((p, i) => {
    if (p) byId.set(ids[i]!, p);
  });
  return byId;
}
