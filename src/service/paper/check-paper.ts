/**
 * Checking a prescription entered from the paper (依紙本輸入): its fields against the upload format's rules, the
 * rules between them, why it must be entered from the paper at all (NHI unreachable and never seen here, D024, SM00)
 * and then the same decision a scan gets (refill order, the card, J000 …), made on the paper's facts. Read-only.
 */
import type { NhiFacts } from "../../domain/decision.js";
import {
  isSm00Paper,
  notUploadedSeverity,
  type PaperEntryCause,
  type PaperPrescription,
  paperPrescriptionKey,
  paperRuleProblems,
  paperStatus,
} from "../../domain/paper-prescription.js";
import type { PrescriptionStatus } from "../../domain/prescription.js";
import { reason } from "../../domain/reason-text.js";
import { type RocDate, rocDateTimeFromDate } from "../../domain/roc-date.js";
import { parseVisitId, type VisitId, type VisitIdParseResult } from "../../domain/visit-id.js";
import { fieldRules } from "../../nhi/format/field-rules.js";
import { decideOn, fetchStatus } from "../check.js";
import type { ServiceContext } from "../context.js";
import { isConflict } from "../reasons.js";
import type { DecisionReason, PaperCheckResult, PaperDispenseRequest } from "../types.js";
import { paperFieldProblems } from "./fields.js";

export type PaperCheckRequest = Omit<PaperDispenseRequest, "pharmacistId"> & { pharmacistId?: string };

/** A paper check that holds, with what dispensing it needs. */
export interface PaperEvaluation {
  result: PaperCheckResult;
  /** The paper as a prescription status (M16 as printed: SM00… for SM00 papers). */
  status?: PrescriptionStatus;
  /** Our key for it (SM00 papers: SM00:<M17>:<M03>:<M19>). */
  key?: string;
}

function normalized(paper: PaperPrescription, parsed: VisitIdParseResult): PaperPrescription {
  return {
    ...paper,
    originalVisitId: parsed.valid ? parsed.visitId : paper.originalVisitId,
    prescriberInstitutionCode: paper.prescriberInstitutionCode.trim().toUpperCase(),
    originalVisitDateTime: paper.originalVisitDateTime.trim(),
  };
}

/** When the central status says the paper is not needed (NHI knows the prescription) or cannot apply (D074). */
function refused(result: PaperCheckResult): PaperEvaluation {
  return { result };
}

export async function evaluatePaper(ctx: ServiceContext, request: PaperCheckRequest): Promise<PaperEvaluation> {
  const now = ctx.now();
  const parsed = parseVisitId(request.paper.originalVisitId ?? "");
  const fieldProblems = paperFieldProblems(request.paper, request.card.birthDate);
  if (fieldProblems.length > 0) return refused({ ok: false, kind: "invalid", reasons: fieldProblems });
  const paper = normalized(request.paper, parsed);
  const mandatoryFrom = fieldRules().recordRules.sm00VisitId.mandatoryFrom.slice(0, 7) as RocDate;
  const ruleProblems = paperRuleProblems(paper, { now: rocDateTimeFromDate(now), sm00MandatoryFrom: mandatoryFrom });
  if (ruleProblems.length > 0) {
    const reasons = ruleProblems.map((problem) => ({
      ...reason("paper-rule", "block", { problem }),
      field: problem.field,
    }));
    return refused({ ok: false, kind: "invalid", reasons });
  }
  const card = request.card;
  const key = paperPrescriptionKey(paper, card.nationalId);
  const local = await ctx.localState(key, { cached: false });
  const enteredBefore = local.prescription?.paper_json != null;

  // Why the paper, and whether NHI can be reached.
  let cause: PaperEntryCause;
  let reachable = true;
  const extra: DecisionReason[] = [];
  if (isSm00Paper(paper)) {
    cause = "sm00";
  } else {
    const fetched = await fetchStatus(ctx, paper.originalVisitId);
    if (!fetched.reachable) {
      reachable = false;
      cause = "nhi-unreachable";
      // A prescription NHI told us about is decided on our copy through the scan; a paper one may be entered again.
      if (local.prescription && !enteredBefore) {
        return refused({ ok: false, kind: "conflict", reasons: [reason("paper-not-needed", "block")] });
      }
    } else if (fetched.result.found) {
      return refused({ ok: false, kind: "conflict", reasons: [reason("paper-not-needed", "block")] });
    } else if (fetched.result.code === "D074") {
      const r = reason("invalid-visit-id", "block", { detail: fetched.result.message }, "D074");
      return refused({ ok: false, kind: "invalid", reasons: [{ ...r, field: "M16" }] });
    } else {
      cause = "not-uploaded";
      const severity = notUploadedSeverity(paper);
      const overridden = request.notUploadedOverride?.reason?.trim();
      if (severity === "warning") {
        extra.push(reason("not-uploaded", "warning", { detail: fetched.result.message }, "D024"));
      } else if (overridden) {
        extra.push(reason("not-uploaded-later-refill", "warning", undefined, "D024"));
      } else {
        extra.push(reason("not-uploaded-later-refill", "override", undefined, "D024"));
      }
    }
  }

  const birthDate = card.birthDate ?? paper.birthDate?.trim();
  const status = paperStatus(paper, { nationalId: card.nationalId, ...(birthDate ? { birthDate } : {}) });
  // The refills before this one are dispensed (the paper's stamps say so), here if we hold them, else somewhere.
  status.refills = Array.from({ length: paper.refillNo - 1 }, (_, i) => ({
    refillNo: i + 1,
    state: "dispensed" as const,
    events: [],
  }));
  const keyed: PrescriptionStatus = { ...status, originalVisitId: key };
  const nhi: NhiFacts = reachable
    ? { reachable: true, result: { found: true, status: keyed } }
    : { reachable: false, cached: keyed };
  // The scan's decision, on the paper's facts. SM00 papers are decided like any other here: SM00 only means that
  // NHI keeps no status for them.
  const parsedKey: VisitIdParseResult = {
    valid: true,
    input: key,
    visitId: key as VisitId,
    kind: "standard",
    corrections: [],
    meaning: { zh: "", en: "" },
  };
  const decision = decideOn(ctx, { parsed: parsedKey, card, now, nhi, local });
  extra.push(reason("paper-entered", "warning", { cause }));
  const reasons = [...decision.reasons, ...extra];
  const blocks = reasons.filter((r) => r.severity === "block");
  if (blocks.length > 0) {
    return refused({ ok: false, kind: blocks.some(isConflict) ? "conflict" : "invalid", cause, reasons: blocks });
  }
  if (decision.refillNo !== paper.refillNo || !decision.prescription) {
    const r = reason("stale-decision", "block", {
      requested: paper.refillNo,
      due: decision.refillNo ?? paper.refillNo,
    });
    return refused({ ok: false, kind: "conflict", cause, reasons: [{ ...r, field: "M33" }] });
  }
  const needsD024Override = extra.some((r) => r.code === "not-uploaded-later-refill" && r.severity === "override");
  if (needsD024Override) {
    return refused({ ok: false, kind: "override", cause, reasons: reasons.filter((r) => r.severity === "override") });
  }
  return {
    result: {
      ok: true,
      cause,
      outcome: reachable ? "dispense" : "override",
      refillNo: paper.refillNo,
      prescription: { ...decision.prescription, originalVisitId: key },
      reasons,
    },
    status,
    key,
  };
}
