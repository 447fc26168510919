/** Blocking reasons with the catalogue's words, and the refusal that amend operations throw to their caller. */
import { type ReasonArgs, reason } from "../domain/reason-text.js";
import { type ReasonCode, type ReasonKind, reasonKind } from "../domain/reasons.js";
import type { DecisionReason } from "./types.js";

export function block<C extends ReasonCode>(code: C, ...args: ReasonArgs<C>): DecisionReason {
  return reason(code, "block", ...args);
}

/** True when a blocking reason means "the state changed or forbids it now" rather than "the request is wrong". */
export function isConflict(r: DecisionReason): boolean {
  return reasonKind(r.code) === "conflict";
}

export class Rejection extends Error {
  constructor(
    readonly kind: ReasonKind,
    readonly reasons: DecisionReason[],
  ) {
    super(reasons.map((r) => r.message.en).join("; "));
  }
}
