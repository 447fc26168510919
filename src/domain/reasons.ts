/**
 * Why a decision says what it says: one reason per finding, each code with one meaning (the wording lives in
 * the message catalogue), a severity, and the NHI check code when one applies.
 */
import type { Message } from "./message.js";

export type ReasonSeverity = "block" | "override" | "warning" | "info";

export type ReasonCode =
  | "invalid-visit-id"
  | "visit-id-corrected"
  | "sm00"
  | "miss"
  | "not-uploaded"
  | "dispensed-here"
  | "dispensed-elsewhere"
  | "cancelled"
  | "restored"
  | "out-of-order"
  | "before-window"
  | "after-window"
  | "refills-exhausted"
  | "total-days-over-90"
  | "person-mismatch"
  | "no-card-chronic"
  | "card-not-shown"
  | "decision-changed"
  | "nhi-unreachable"
  | "j000-fallback"
  | "abnormal-code-invalid"
  | "j000-unconfirmed";

export interface DecisionReason {
  code: ReasonCode;
  severity: ReasonSeverity;
  /** The NHI error code the central side would answer with, when one applies (D025, D023, D022 …). */
  nhiCode?: string;
  message: Message;
}
