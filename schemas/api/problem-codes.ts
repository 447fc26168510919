/**
 * Every `code` an API problem response can carry, one closed list: the refusal reasons of src/domain/reasons.ts, the
 * API's own codes, and each device or report error passed on (card-…, scan-…, report-…, virtual-card-…).
 * src/api/problem.ts types its codes with this list, so a new code has to be added here.
 */
import { z } from "zod/v4";
import { REASON_CODES } from "../../src/domain/reasons.js";

export const API_PROBLEM_CODES = [
  "bad-request",
  "body-required",
  "body-too-large",
  "card-reader-unavailable",
  "database-unavailable",
  "export-format-unavailable",
  "forbidden",
  "internal-error",
  "invalid-idempotency-key",
  "invalid-input",
  "malformed-json",
  "method-not-allowed",
  "method-not-implemented",
  "nhi-unavailable",
  "no-code-found",
  "no-pharmacist-on-key",
  "not-found",
  "other-terminal",
  "pharmacist-from-key",
  "rate-limited",
  "refused",
  "route-not-found",
  "scanner-unavailable",
  "unauthenticated",
  "unknown-card-evidence",
  "unsupported-media-type",
  "untrusted-card-identity",
  "virtual-card-unavailable",
] as const;

/**
 * Device and report errors passed on under their family prefix, every one listed: src/card/errors.ts
 * (CARD_ERROR_CODES), src/scan/errors.ts (SCAN_ERROR_CODES, plus `scan-failed` for an error without a code),
 * src/reports/errors.ts (REPORT_ERROR_CODES) and NHI's virtual card refusals (VIRTUAL_CARD_REFUSALS).
 * src/api/problem-codes.test.ts checks this list against those.
 */
export const PASSED_ON_PROBLEM_CODES = [
  "card-pcscd-not-running",
  "card-no-reader",
  "card-reader-not-found",
  "card-reader-removed",
  "card-no-card",
  "card-card-mute",
  "card-card-removed",
  "card-reader-busy",
  "card-wrong-card",
  "card-short-response",
  "card-bad-status",
  "card-garbage",
  "card-transmit-failed",
  "scan-empty",
  "scan-not-an-image",
  "scan-unsupported-format",
  "scan-unreadable-image",
  "scan-too-large",
  "scan-failed",
  "report-range-reversed",
  "report-range-too-long",
  "report-dispensing-not-found",
  "report-dispensing-deleted",
  "report-prescription-not-found",
  "report-no-next-refill",
  "report-next-dispensed",
  "report-next-cancelled",
  "virtual-card-expired",
  "virtual-card-used",
  "virtual-card-unknown",
  "virtual-card-revoked",
] as const;

export type ProblemCode =
  | (typeof API_PROBLEM_CODES)[number]
  | (typeof REASON_CODES)[number]
  | (typeof PASSED_ON_PROBLEM_CODES)[number];

export const problemCodeSchema = z.enum([...API_PROBLEM_CODES, ...REASON_CODES, ...PASSED_ON_PROBLEM_CODES]).meta({
  id: "ProblemCode",
  description:
    "One meaning each: the API's own codes, the reasons of src/domain/reasons.ts, and the card, scan, report and " +
    "virtual card errors passed on",
});
