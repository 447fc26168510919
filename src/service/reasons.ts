/** Building the reasons a refusal gives, and the refusal that amend operations throw to their caller. */
import type { Message } from "../domain/message.js";
import type { DecisionReason, ReasonCode } from "./types.js";

export function block(code: ReasonCode, message: Message, nhiCode?: string): DecisionReason {
  return nhiCode ? { code, severity: "block", nhiCode, message } : { code, severity: "block", message };
}

/** Reasons that mean "the state changed or forbids it now" rather than "the request is wrong". */
export const CONFLICT_CODES: ReadonlySet<ReasonCode> = new Set([
  "dispensed-here",
  "dispensed-elsewhere",
  "cancelled",
  "out-of-order",
  "before-window",
  "after-window",
  "refills-exhausted",
]);

export class Rejection extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly reasons: DecisionReason[],
  ) {
    super(reasons.map((r) => r.message.en).join("; "));
  }
}
