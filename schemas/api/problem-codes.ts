/**
 * Every `code` an API problem response can carry: the refusal reasons of src/domain/reasons.ts, the API's own
 * codes, and four families named after the device or report error they pass on (card-…, scan-…, report-…,
 * virtual-card-…). src/api/problem.ts types its codes with this list, so a new code has to be added here.
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

export const PROBLEM_CODE_FAMILIES = ["card", "scan", "report", "virtual-card"] as const;

type Family = (typeof PROBLEM_CODE_FAMILIES)[number];

export type ProblemCode = (typeof API_PROBLEM_CODES)[number] | (typeof REASON_CODES)[number] | `${Family}-${string}`;

const FAMILY_PATTERN = new RegExp(`^(${PROBLEM_CODE_FAMILIES.join("|")})-[a-z0-9-]+$`);

export const problemCodeSchema = z
  .union([
    z.enum([...API_PROBLEM_CODES, ...REASON_CODES]),
    z
      .string()
      .regex(FAMILY_PATTERN)
      .meta({ description: "A device or report error passed on: card-…, scan-…, report-…, virtual-card-…" }),
  ])
  .meta({
    id: "ProblemCode",
    description: "One meaning each: the API's own codes and the reasons of src/domain/reasons.ts",
  });
