/**
 * The paper prescription's fields, each checked with the upload format's own field rules
 * (schemas/upload-format-2.0.json through src/nhi/format/): a bad field is a reason naming the field, in zh-TW and
 * English, and nothing is written.
 */
import { msg } from "../../domain/message.js";
import type { PaperPrescription } from "../../domain/paper-prescription.js";
import { reason } from "../../domain/reason-text.js";
import type { DecisionReason } from "../../domain/reasons.js";
import { isRocDateTime } from "../../domain/roc-date.js";
import { parseVisitId } from "../../domain/visit-id.js";
import { fieldRule } from "../../nhi/format/field-rules.js";
import { checkValue } from "../../nhi/format/validate.js";

function label(id: string) {
  const rule = fieldRule(id);
  return rule ? msg(`${id} ${rule.zh}`, `${id} ${rule.en}`) : msg(id, id);
}

function fieldProblem(field: string, id: string, detail: ReturnType<typeof msg>): DecisionReason {
  return { ...reason("paper-field-invalid", "block", { label: label(id), detail }), field };
}

/** One value against its field rule (`id`), reported under `field` (e.g. D06[2]). */
function checkField(out: DecisionReason[], field: string, id: string, value: string | undefined, required: boolean) {
  const v = value?.trim() ?? "";
  if (v === "") {
    if (required) out.push(fieldProblem(field, id, msg("必填", "required")));
    return;
  }
  const rule = fieldRule(id);
  if (!rule) return;
  const problem = checkValue(rule, v);
  if (problem) out.push({ ...fieldProblem(field, id, problem.detail), nhiCode: problem.code });
}

function checkNumber(out: DecisionReason[], field: string, id: string, value: number, min: number) {
  const rule = fieldRule(id);
  const max = rule?.max ?? 10 ** (rule?.maxLength ?? 1) - 1;
  if (!Number.isInteger(value) || value < min || value > max) {
    out.push(fieldProblem(field, id, msg(`應為${min}～${max}之整數`, `must be a whole number from ${min} to ${max}`)));
  }
}

/**
 * Every field of the paper that breaks its format rule (empty when all hold). `cardBirthDate`: the birth date the
 * card gave, if any; without it the paper's is required (M04).
 */
export function paperFieldProblems(paper: PaperPrescription, cardBirthDate?: string): DecisionReason[] {
  const out: DecisionReason[] = [];
  const parsed = parseVisitId(paper.originalVisitId ?? "");
  if (!parsed.valid) {
    out.push(fieldProblem("M16", "M16", parsed.reason));
  } else if (parsed.kind === "miss") {
    out.push(
      fieldProblem(
        "M16",
        "M16",
        msg("MISS不是處方之就醫識別碼（D054）", "MISS is never a prescription's visit ID (D054)"),
      ),
    );
  }
  checkField(out, "M17", "M17", paper.prescriberInstitutionCode, true);
  if (!paper.originalSequenceNumber?.trim() && !(paper.refillNo >= 2)) {
    // J000 stands in for a missing M18 only on a chronic refill 2+ (seed 004 §三(四)6); otherwise the paper's is needed.
    out.push(
      fieldProblem(
        "M18",
        "M18",
        msg(
          "必填：僅慢性病連續處方箋第2次以後調劑無法取得時，始得以J000填報",
          "required: only a chronic refill 2+ whose number cannot be obtained may use J000",
        ),
      ),
    );
  } else {
    checkField(out, "M18", "M18", paper.originalSequenceNumber, false);
  }
  checkField(out, "M19", "M19", paper.originalVisitDateTime, true);
  if (
    paper.originalVisitDateTime &&
    !isRocDateTime(paper.originalVisitDateTime.trim()) &&
    !out.some((r) => r.field === "M19")
  ) {
    out.push(
      fieldProblem("M19", "M19", msg("應為民國日期時間 yyyMMddHHmmss", "must be a ROC date-time yyyMMddHHmmss")),
    );
  }
  if (paper.prescriberName !== undefined && paper.prescriberName.length > 40) {
    out.push(
      fieldProblem("prescriberName", "M17", msg("院所名稱最多40字", "the clinic's name has at most 40 characters")),
    );
  }
  checkField(out, "M04", "M04", paper.birthDate, !cardBirthDate);
  checkNumber(out, "M33", "M33", paper.refillNo, 1);
  checkNumber(out, "M26", "M26", paper.refillCount, 1);
  checkNumber(out, "M20", "M20", paper.daysPerRefill, 1);
  paper.orders.forEach((o, i) => {
    const n = `[${i + 1}]`;
    checkField(out, `D06${n}`, "D06", o.drugCode, true);
    checkField(out, `D10${n}`, "D10", o.totalQuantity, true);
    checkField(out, `D08${n}`, "D08", o.frequency, false);
    checkField(out, `D14${n}`, "D14", o.route, false);
    if (o.days !== undefined) checkNumber(out, `D09${n}`, "D09", o.days, 1);
  });
  return out;
}
