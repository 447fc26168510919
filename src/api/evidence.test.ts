/** Evidence ids: resolved at their own terminal until they expire; the store stays bounded. */
import { describe, expect, it } from "vitest";
import type { CardIdentity } from "../service/types.js";
import { EVIDENCE_TTL_MS, EvidenceStore, MAX_EVIDENCE_ENTRIES } from "./evidence.js";

const card = (n: number) =>
  ({ nationalId: `A1${String(n).padStart(8, "0")}`, source: "card" }) as unknown as CardIdentity;

describe("EvidenceStore", () => {
  it("resolves an id at its own terminal only, and not after it expires", () => {
    let now = Date.UTC(2024, 2, 21, 2);
    const store = new EvidenceStore(() => new Date(now));
    const id = store.issue(card(1), "counter-1");
    expect(store.resolve(id, "counter-1")).toEqual(card(1));
    expect(store.resolve(id, "counter-2")).toBeUndefined();
    now += EVIDENCE_TTL_MS;
    expect(store.resolve(id, "counter-1")).toBeUndefined();
  });

  it("drops expired entries on the next issue, and keeps at most its limit, the newest", () => {
    let now = Date.UTC(2024, 2, 21, 2);
    const store = new EvidenceStore(() => new Date(now));
    for (let i = 0; i < 10; i++) store.issue(card(i), "counter-1");
    now += EVIDENCE_TTL_MS;
    store.issue(card(99), "counter-1");
    expect(store.size).toBe(1);
    const ids: string[] = [];
    for (let i = 0; i < MAX_EVIDENCE_ENTRIES + 50; i++) ids.push(store.issue(card(i), "counter-1"));
    expect(store.size).toBe(MAX_EVIDENCE_ENTRIES);
    expect(store.resolve(ids[0]!, "counter-1")).toBeUndefined();
    expect(store.resolve(ids.at(-1)!, "counter-1")).toEqual(card(MAX_EVIDENCE_ENTRIES + 49));
  });
});
