/** Masking national IDs for logs and for roles that need no more than a hint. */
import { maskNationalId } from "../domain/national-id.js";

/** Anything shaped like a national ID (new or old resident format) inside free text. */
const NATIONAL_ID_IN_TEXT = /(?<![A-Za-z0-9])[A-Za-z][0-9A-Da-d][0-9]{8}(?![A-Za-z0-9])/g;

export function maskNationalIdsInText(text: string): string {
  return text.replace(NATIONAL_ID_IN_TEXT, (id) => maskNationalId(id));
}

const ID_KEYS = new Set(["nationalId", "pharmacistId"]);

/**
 * A deep copy with `nationalId` / `pharmacistId` masked. `keep` lists IDs shown in full anyway (the caller's own
 * pharmacist ID, a patient ID the caller typed in the request).
 */
export function maskIds<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const inner = (v as Record<string, unknown>)[k];
      out[k] = ID_KEYS.has(k) && typeof inner === "string" && !keep.has(inner) ? maskNationalId(inner) : walk(inner);
    }
    return out;
  };
  return walk(value) as T;
}
