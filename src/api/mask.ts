/** Masking national IDs for logs, the audit trail and roles that need no more than a hint. */
import { maskNationalId, maskNationalIdsInText } from "../domain/national-id.js";

export { maskNationalIdsInText };

const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** Decodes every well-formed run of percent escapes; malformed ones stay as they are. */
function decodeEscapes(text: string): string {
  return text.replace(ESCAPE_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * What a log line may show of text that came from outside still encoded (a request target, an error message):
 * percent escapes are decoded until nothing changes (so `%20H1…`, `…%35` and double encodings decode to the ID they
 * spell), then every ID-shaped word is masked. The result is for people, not for re-parsing.
 */
export function maskNationalIdsForLog(text: string): string {
  let decoded = text;
  for (let round = 0; round < 4; round++) {
    const next = decodeEscapes(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  return maskNationalIdsInText(decoded);
}

/** A request target (`/path?query`) for the log: decoded, normalised, national IDs masked. */
export function maskRequestTarget(target: string): string {
  const q = target.indexOf("?");
  if (q < 0) return maskNationalIdsForLog(target);
  return `${maskNationalIdsForLog(target.slice(0, q))}?${maskNationalIdsForLog(target.slice(q + 1).replace(/\+/g, " "))}`;
}

/** Every string inside `value` with its ID-shaped words masked (for the audit trail's free-form facts). */
export function maskIdsInStrings<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return maskNationalIdsInText(v);
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
  };
  return walk(value) as T;
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
