/** How the log reads the service's refill events: refusals at the counter, NHI findings, and their true order. */
import { INCIDENT_KINDS } from "../domain/incident.js";
import type { RefillEventView } from "../service/types.js";
import type { LogEntry } from "./model.js";

/**
 * Events of the same second in the order they can only have happened: an E restores a C, a deletion or correction
 * follows the dispensing, a refusal follows what it refused.
 */
export const ORDER: Record<LogEntry["kind"], number> = {
  due: 0,
  missed: 0,
  cancelled: 1,
  restored: 2,
  dispensed: 3,
  override: 3,
  j000: 3,
  corrected: 4,
  blocked: 5,
  finding: 5,
  incident: 5,
  acknowledged: 6,
  deleted: 6,
};

const DUPLICATE_CODES = new Set(["D025"]);
const INCIDENT_KIND_SET = new Set<string>(INCIDENT_KINDS);

/** An incident a re-check found (its reason is the incident's kind); otherwise a pharmacist's acknowledgement. */
export function isIncidentFound(e: Pick<RefillEventView, "type" | "reason">): boolean {
  return e.type === "incident" && INCIDENT_KIND_SET.has(e.reason ?? "");
}
const DUPLICATE_REASONS = new Set(["dispensed-here", "dispensed-elsewhere"]);

export function reasonCodes(e: RefillEventView): string[] {
  return (e.reason ?? "").split(",").filter(Boolean);
}

/**
 * A refusal at the counter: the service logs it with the decision's reason codes (`dispensed-elsewhere,…`).
 * Blocked events without them are NHI findings after the fact (upload rejections, late D025, re-checks).
 */
export function isCounterBlock(e: RefillEventView): boolean {
  const codes = reasonCodes(e);
  return e.type === "blocked" && codes.length > 0 && codes.every((c) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(c));
}

function hasDuplicateCode(e: RefillEventView): boolean {
  return e.nhiCodes?.some((c) => DUPLICATE_CODES.has(c.replace(/^.*:/, ""))) ?? false;
}

/** A refusal at the counter because the refill had already been dispensed (here or elsewhere). */
export function isDuplicateBlock(e: RefillEventView): boolean {
  if (!isCounterBlock(e)) return false;
  return hasDuplicateCode(e) || reasonCodes(e).some((c) => DUPLICATE_REASONS.has(c));
}

/** NHI told us after the dispensing that the refill was also dispensed elsewhere (D025 on upload or re-check). */
export function isLateDuplicate(e: RefillEventView): boolean {
  return e.type === "blocked" && !isCounterBlock(e) && hasDuplicateCode(e);
}
