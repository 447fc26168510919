/**
 * Why a decision or a refused request says what it says: one reason per finding, a severity, and the NHI check
 * code when one applies. Every code has exactly one meaning, listed here with the kind of problem it is; the
 * words a person reads are in ./reason-text.ts (one catalogue, zh-TW and English).
 */
import type { Message } from "./message.js";

export type ReasonSeverity = "block" | "override" | "warning" | "info";

/**
 * What kind of problem a blocking reason is, for whoever answers the request:
 * - conflict: the state of the prescription or record forbids it now (another try later, or never);
 * - invalid: the request itself is wrong or incomplete;
 * - not-found: the record asked for does not exist;
 * - override: NHI is unreachable, a pharmacist may go ahead with a reason.
 */
export type ReasonKind = "conflict" | "invalid" | "not-found" | "override";

/** Each code and its kind (see the catalogue for its meaning). */
export const REASON_KINDS = {
  // The visit ID scanned
  "invalid-visit-id": "invalid",
  "visit-id-corrected": "invalid",
  sm00: "invalid",
  miss: "invalid",
  "not-uploaded": "invalid",
  // NHI reachable or not
  "nhi-unreachable": "override",
  "unknown-offline": "invalid",
  "control-software-unavailable": "invalid",
  "abnormal-code-invalid": "invalid",
  // The patient
  "person-mismatch": "invalid",
  "no-card-chronic": "invalid",
  "card-not-shown": "invalid",
  // The prescription's refills
  "total-days-over-90": "invalid",
  "dispensed-here": "conflict",
  "dispensed-elsewhere": "conflict",
  cancelled: "conflict",
  restored: "conflict",
  "out-of-order": "conflict",
  "before-window": "conflict",
  "after-window": "conflict",
  "refills-exhausted": "conflict",
  "j000-fallback": "invalid",
  "j000-unconfirmed": "override",
  // What the pharmacist entered
  "invalid-pharmacist-id": "invalid",
  "reason-required": "invalid",
  "days-supplied-out-of-range": "invalid",
  "stale-decision": "conflict",
  "decision-changed": "conflict",
  "record-incomplete": "invalid",
  "supplement-time-invalid": "invalid",
  "supplement-visit-id-invalid": "invalid",
  "supplement-outside-prescription": "invalid",
  "supplement-too-late": "invalid",
  // Our own records (delete, correct)
  "no-such-dispensing": "not-found",
  "record-deleted": "conflict",
  "record-changed": "conflict",
  "later-refill-here": "conflict",
  "later-refill-elsewhere": "conflict",
  "correction-deadline-passed": "invalid",
  // A prescription entered from the paper
  "paper-field-invalid": "invalid",
  "paper-rule": "invalid",
  "paper-not-needed": "conflict",
  "paper-entered": "invalid",
  "not-uploaded-later-refill": "override",
  "g000-prescription": "invalid",
  // Incidents found by re-checks
  "no-such-incident": "not-found",
  "incident-acknowledged": "conflict",
} as const satisfies Record<string, ReasonKind>;

export type ReasonCode = keyof typeof REASON_KINDS;

export const REASON_CODES = Object.keys(REASON_KINDS) as [ReasonCode, ...ReasonCode[]];

export interface DecisionReason {
  code: ReasonCode;
  severity: ReasonSeverity;
  /** The NHI error code the central side would answer with, when one applies (D025, D023, D022 …). */
  nhiCode?: string;
  /** The input field it is about, where one is (a paper entry's M17, M19, D06[2] …). */
  field?: string;
  message: Message;
}

export function reasonKind(code: ReasonCode): ReasonKind {
  return REASON_KINDS[code];
}
