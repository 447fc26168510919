/**
 * The one place a refusal's kind becomes an HTTP status. The service says what kind of problem a refusal is
 * (src/domain/reasons.ts); only the API speaks HTTP.
 */
import type { ReasonKind } from "../domain/reasons.js";

export const OUTCOME_STATUS = {
  conflict: 409,
  invalid: 422,
  "not-found": 404,
  // Over HTTP 403 means "your role may not"; a missing override reason is a problem with the request, and the
  // problem code (nhi-unreachable, j000-unconfirmed) says which.
  override: 422,
} as const satisfies Record<ReasonKind, number>;

export type OutcomeStatus = (typeof OUTCOME_STATUS)[ReasonKind];

export function outcomeStatus(kind: ReasonKind): OutcomeStatus {
  return OUTCOME_STATUS[kind];
}
