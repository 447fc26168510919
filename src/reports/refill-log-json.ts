/**
 * The refill log as JSON for integrators: the same builder output as the PDF and CSV (so the same totals), with
 * one flat event list. Identities are as the builder masked them.
 */
import { REASON_CODES, type ReasonCode } from "../domain/reasons.js";
import type { LogEntry, RefillLogData, RefillLogTotals } from "./model.js";

const KNOWN = new Set<string>(REASON_CODES);
const isReasonCode = (code: string): code is ReasonCode => KNOWN.has(code);

export interface RefillLogJsonEvent extends Omit<LogEntry, "reasons"> {
  originalVisitId: string;
  /** The patient as printed (masked unless `full`). */
  patient: { name: string; nationalId: string };
  /** The rule codes of a refusal, or the one reason a pharmacist typed. */
  reason: string[];
  /** The rule codes of a refusal at the counter (a closed list, an enum in the OpenAPI document); else empty. */
  reasonCodes: ReasonCode[];
}

export interface RefillLogJson {
  from: string;
  to: string;
  mask: RefillLogData["mask"];
  generatedAt: string;
  totals: RefillLogTotals;
  events: RefillLogJsonEvent[];
}

export function refillLogJson(data: RefillLogData): RefillLogJson {
  const events: RefillLogJsonEvent[] = [];
  for (const p of data.prescriptions) {
    for (const { reasons, ...entry } of p.entries) {
      events.push({
        ...entry,
        originalVisitId: p.originalVisitId,
        patient: p.patient,
        reason: reasons,
        reasonCodes: entry.kind === "blocked" ? reasons.filter(isReasonCode) : [],
      });
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at) || a.originalVisitId.localeCompare(b.originalVisitId));
  return {
    from: data.from,
    to: data.to,
    mask: data.mask,
    generatedAt: data.generatedAt,
    totals: data.totals,
    events,
  };
}
