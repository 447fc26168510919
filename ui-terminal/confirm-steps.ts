/**
 * What F9 still needs before a decision can be dispensed, one step at a time: the two J000 checks (seed 004
 * §三(四)6), the cause of an abnormal dispensing (its M13 code), then the override reason. Pure: the counter shows
 * the step this returns and records the pharmacist's answer in `Confirmed`.
 */
import type { CounterAbnormalCode } from "../src/domain/abnormal-dispensing.js";
import type { Decision, DispenseRequest } from "../src/service/types.js";
import type { PaperEntry } from "./paper-flow.js";

/** What the pharmacist has confirmed so far on the way from F9 to the dispensing. */
export interface Confirmed {
  /** Both J000 checks done: the cloud medication record and the prescribing clinic gave no sequence number. */
  j000?: true;
  /** The cause of the abnormal dispensing, M13 on the H01=B record. */
  abnormalCode?: CounterAbnormalCode;
  /** Why the pharmacist goes ahead without NHI. */
  reason?: string;
  /** The prescription as entered from the paper (dispensed with `dispensePaper`). */
  paper?: PaperEntry;
}

export type Step = "j000" | "cause" | "reason" | "dispense";

export function needsJ000(decision: Decision): boolean {
  return decision.reasons.some((r) => r.code === "j000-fallback" || r.code === "j000-unconfirmed");
}

export function nextStep(decision: Decision, confirmed: Confirmed): Step {
  if (needsJ000(decision) && !confirmed.j000) return "j000";
  if (decision.outcome === "override" && !confirmed.abnormalCode) return "cause";
  if (decision.outcome === "override" && !confirmed.reason) return "reason";
  return "dispense";
}

/** The parts of the dispense request the confirmations make. */
export function confirmedRequest(confirmed: Confirmed): Pick<DispenseRequest, "override" | "j000Confirmation"> {
  return {
    ...(confirmed.reason
      ? {
          override: {
            reason: confirmed.reason,
            ...(confirmed.abnormalCode ? { abnormalCode: confirmed.abnormalCode } : {}),
          },
        }
      : {}),
    ...(confirmed.j000 ? { j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true } } : {}),
  };
}
