/** What a role gets to see: owners see full national IDs; pharmacists see them masked unless they supplied them. */
import type { Principal } from "./keys.js";
import { maskIds } from "./mask.js";

export function present<T>(principal: Principal, value: T, supplied: (string | undefined)[] = []): T {
  if (principal.role === "owner") return value;
  const keep = new Set<string>();
  if (principal.pharmacistId) keep.add(principal.pharmacistId);
  for (const id of supplied) if (id) keep.add(id.trim().toUpperCase());
  return maskIds(value, keep);
}
