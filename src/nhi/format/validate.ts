/**
 * Local validation of upload format 2.0 records: what NHI's central checks would reject, with NHI's own codes,
 * per record and field, so a record never leaves the counter known-bad. Field rules come from
 * `schemas/upload-format-2.0.json` (via field-rules.ts); nothing here repeats them.
 */

import { isInstitutionCode } from "../../domain/institution-code.js";
import { type Message, msg } from "../../domain/message.js";
import { checkNationalId } from "../../domain/national-id.js";
import { isRocDate, isRocDateTime } from "../../domain/roc-date.js";
import { checkSequenceNumber, isAbnormalCode } from "../../domain/sequence-number.js";
import { isVisitId, MISS_VISIT_ID, SM00_VISIT_ID } from "../../domain/visit-id.js";
import { big5Length, describeCharacter, firstNonBig5 } from "./big5.js";
import { type FieldCondition, type FieldRule, fieldRules } from "./field-rules.js";
import { type Finding, finding } from "./finding.js";
import { filled, isChronicRecord, type Mb2, recordValue, type UploadRecord } from "./record.js";
import { parseUploadXml } from "./xml.js";

export interface ValidateOptions {
  /** The uploading institution is a pharmacy (特約藥局): its records must use M07=AF (AD23). */
  pharmacy?: boolean;
  /** The uploader's first day in format 2.0 (yyyMMdd): SM00 in M15 only for visits before it. Default: the day
   * 2.0 became mandatory for all (113/09/01). */
  format2Since?: string;
}

export type { Finding } from "./finding.js";
export { finding } from "./finding.js";

/**
 * Whether a schema condition holds for a record (`chronic` may be passed when already known); `line` is the order
 * line an MB2 field belongs to (a `d02` condition holds only with one).
 */
export function conditionHolds(
  condition: FieldCondition,
  record: UploadRecord,
  chronic: boolean = isChronicRecord(record),
  line?: Mb2,
): boolean {
  if (condition.h01 && !condition.h01.includes(record.h01)) return false;
  if (condition.d02 && !(line && condition.d02.includes(line.D02 ?? ""))) return false;
  const m07 = record.mb1.M07 ?? "";
  if (condition.m07 && !condition.m07.includes(m07)) return false;
  if (condition.m07Not?.includes(m07)) return false;
  if (condition.m12 && !condition.m12.includes(record.mb1.M12 ?? "")) return false;
  if (condition.chronic !== undefined && condition.chronic !== chronic) return false;
  return true;
}

function anyHolds(
  conditions: readonly FieldCondition[] | undefined,
  record: UploadRecord,
  chronic: boolean = isChronicRecord(record),
  line?: Mb2,
): FieldCondition | undefined {
  if (!conditions) return undefined;
  for (const c of conditions) if (conditionHolds(c, record, chronic, line)) return c;
  return undefined;
}

function ab(zh: string, en: string): { code: string; detail: Message } {
  return { code: "AB", detail: msg(zh, en) };
}

function hasField(out: readonly Finding[], field: string): boolean {
  for (const f of out) if (f.field === field) return true;
  return false;
}

const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** Checks one filled value against its rule: Y014, then AC (length), then AB (type / format / value). */
export function checkValue(rule: FieldRule, value: string): { code: string; detail: Message } | undefined {
  const bad = firstNonBig5(value);
  if (bad) {
    const name = describeCharacter(bad.character);
    return {
      code: "Y014",
      detail: msg(`第${bad.index + 1}個字 ${name} 不是Big5字元`, `character ${bad.index + 1} ${name} is not in Big5`),
    };
  }
  const length = big5Length(value);
  if (rule.length !== undefined && length !== rule.length) {
    return {
      code: "AC",
      detail: msg(`應為${rule.length}碼，實際${length}碼`, `must be ${rule.length} characters, is ${length}`),
    };
  }
  if (length > rule.maxLength) {
    return {
      code: "AC",
      detail: msg(`最多${rule.maxLength}碼，實際${length}碼`, `at most ${rule.maxLength} characters, is ${length}`),
    };
  }
  if (CONTROL_RE.test(value)) return ab("含控制字元", "contains a control character");
  switch (rule.type) {
    case "numeric":
      if (!/^\d+$/.test(value)) return ab("應為數字", "digits only");
      break;
    case "date":
      if (!isRocDate(value)) return ab("應為民國日期yyyMMdd", "must be a ROC date yyyMMdd");
      break;
    case "datetime":
      if (!isRocDateTime(value)) return ab("應為民國日期時間yyyMMddHHmmss", "must be a ROC date-time yyyMMddHHmmss");
      break;
    case "code":
      if (rule.values && rule.valuesComplete && !fieldRules().valueSets.get(rule.id)?.has(value)) {
        const list = rule.values.map((v) => v.code).join("/");
        return ab(`應為${list}`, `must be one of ${list}`);
      }
      break;
    case "alnum":
      break;
  }
  const pattern = fieldRules().patterns.get(rule.id);
  if (pattern && !pattern.test(value)) return ab("格式不符", `does not match ${rule.pattern}`);
  if (rule.min !== undefined && Number(value) < rule.min) return ab(`不可小於${rule.min}`, `must be ≥ ${rule.min}`);
  if (rule.max !== undefined && Number(value) > rule.max) return ab(`不可大於${rule.max}`, `must be ≤ ${rule.max}`);
  switch (rule.kind) {
    case "visitId":
      // SM00… and MISS… are special values; where they may appear is a record-level rule (D068, D054, D002).
      if (!isVisitId(value) && value !== SM00_VISIT_ID && value !== MISS_VISIT_ID)
        return ab("就醫識別碼只能是0-9與A-Z（不含I、O）之大寫字元", "a visit ID uses 0-9 and A-Z without I and O");
      break;
    case "nationalId": {
      const r = checkNationalId(value);
      if (!r.valid || value !== r.nationalId) return ab("身分證號格式或檢查碼錯誤", "national ID format or checksum");
      break;
    }
    case "institutionCode":
      if (!isInstitutionCode(value)) return ab("醫事機構代碼格式錯誤", "institution code format");
      break;
    case "sequenceNumber": {
      const r = checkSequenceNumber(value);
      if (!r.valid || r.value !== value)
        return ab("應為4碼數字、V開頭虛擬卡序號或異常代碼", "4 digits, a V… number or an abnormal code");
      break;
    }
    case "rocDate":
    case "rocDateTime":
    case undefined:
      break;
  }
  return undefined;
}

function checkField(
  out: Finding[],
  recordNo: number,
  record: UploadRecord,
  chronic: boolean,
  rule: FieldRule,
  field: string,
  value: string | undefined,
  line?: Mb2,
): void {
  if (filled(value)) {
    const empty = anyHolds(rule.emptyWhen, record, chronic, line);
    if (empty) {
      out.push(finding(recordNo, empty.code ?? "AF", field, value));
      return;
    }
    const problem = checkValue(rule, value);
    if (problem) out.push(finding(recordNo, problem.code, field, value, problem.detail));
  } else if (anyHolds(rule.requiredWhen, record, chronic, line)) {
    out.push(finding(recordNo, "AA", field, value));
  }
}

function num(value: string | undefined): number | undefined {
  return filled(value) && /^\d+$/.test(value) ? Number(value) : undefined;
}

function mb1(record: UploadRecord, field: string): string | undefined {
  return recordValue(record, field);
}

function crossChecks(out: Finding[], recordNo: number, record: UploadRecord, options: ValidateOptions): void {
  const rules = fieldRules().recordRules;
  const chronic = isChronicRecord(record);

  // Y012: AE/AF need at least one order line.
  if (record.mb2.length === 0 && anyHolds(rules.mb2RequiredWhen.when, record, chronic)) {
    out.push(finding(recordNo, rules.mb2RequiredWhen.code, "MB2"));
  }
  // AG: too many order lines.
  if (record.mb2.length > fieldRules().maxMb2PerRecord) {
    out.push(
      finding(recordNo, "AG", "MB2", undefined, msg(`共${record.mb2.length}筆`, `${record.mb2.length} order lines`)),
    );
  }
  // AD02: H01=B needs an abnormal code in M13.
  {
    const r = rules.abnormalSequenceWhen;
    const value = mb1(record, r.field);
    if (filled(value) && !hasField(out, r.field) && anyHolds(r.when, record) && !isAbnormalCode(value)) {
      out.push(finding(recordNo, r.code, r.field, value));
    }
  }
  // AD23: a pharmacy's records are AF.
  if (options.pharmacy) {
    const r = rules.pharmacyCategory;
    const value = mb1(record, r.field);
    if (filled(value) && value !== r.value && anyHolds(r.when, record))
      out.push(finding(recordNo, r.code, r.field, value));
  }
  // D053: dispensing records may not use C or E.
  if (anyHolds(rules.dispensingNoCancel.when, record)) {
    out.push(finding(recordNo, rules.dispensingNoCancel.code, "H01", record.h01));
  }
  // D014 / D019: refill count 2–4, refill number within the count.
  {
    const r = rules.refillCount;
    const count = num(mb1(record, r.field));
    if (count !== undefined && !hasField(out, r.field) && chronic && (count < r.min || count > r.max)) {
      out.push(finding(recordNo, r.code, r.field, String(mb1(record, r.field))));
    }
    const n = rules.refillNumberWithinCount;
    const refillNo = num(mb1(record, n.field));
    const total = num(mb1(record, n.countField));
    if (refillNo !== undefined && total !== undefined && !hasField(out, n.field) && refillNo > total) {
      out.push(finding(recordNo, n.code, n.field, mb1(record, n.field)));
    }
  }
  // D008: chronic total days a multiple of the days per dispensing.
  {
    const r = rules.chronicTotalMultiple;
    const total = num(mb1(record, r.field));
    const days = num(mb1(record, r.daysField));
    if (total !== undefined && days !== undefined && days > 0 && !hasField(out, r.field) && total % days !== 0) {
      out.push(finding(recordNo, r.code, r.field, mb1(record, r.field)));
    }
  }
  // D007: the prescriber's visit came before ours.
  {
    const r = rules.originalBeforeOurs;
    const original = mb1(record, r.field);
    const ours = mb1(record, r.oursField);
    if (filled(original) && filled(ours) && isRocDateTime(original) && isRocDateTime(ours) && original >= ours) {
      out.push(finding(recordNo, r.code, r.field, original));
    }
  }
  // D054 / D002: MISS… only in M52 with M12=4.
  {
    const r = rules.missVisitId;
    const m12 = mb1(record, "M12");
    const m52 = mb1(record, r.field);
    if (m12 === r.m12 && m52 !== r.value && !hasField(out, r.field)) out.push(finding(recordNo, r.code, r.field, m52));
    for (const field of ["M15", "M16"]) {
      if (mb1(record, field) === r.value) out.push(finding(recordNo, r.misplacedCode, field, r.value));
    }
    if (m52 === r.value && m12 !== r.m12) out.push(finding(recordNo, r.misplacedCode, r.field, m52));
  }
  // D068: SM00 only for visits before the switch to 2.0: ours (M15, seed 002 說明三(三)1: never uploaded before,
  // no visit ID) before our switch, the prescriber's (M16) before 2.0 became mandatory.
  {
    const r = rules.sm00VisitId;
    const ownSwitch = options.format2Since ? `${options.format2Since}000000` : r.mandatoryFrom;
    const ownDate = mb1(record, "M11");
    if (mb1(record, r.ownField) === r.value && (!filled(ownDate) || ownDate >= ownSwitch)) {
      out.push(finding(recordNo, r.code, r.ownField, r.value));
    }
    const originalDate = mb1(record, r.originalDateField);
    if (mb1(record, r.originalField) === r.value && filled(originalDate) && originalDate >= r.mandatoryFrom) {
      out.push(finding(recordNo, r.code, r.originalField, r.value));
    }
  }
  placeholderAndVirtualOrders(out, recordNo, record);
  // D028: order numbers unique; D064: each order's prescription kind has a count.
  {
    const seen = new Map<string, number>();
    const kinds = rules.kindNeedsCount;
    for (let i = 0; i < record.mb2.length; i++) {
      const line: Mb2 = record.mb2[i]!;
      const orderNo = line[rules.uniqueOrderNumber.field as "D03"];
      const field = `${rules.uniqueOrderNumber.field}[${i + 1}]`;
      if (filled(orderNo) && !hasField(out, field)) {
        if (seen.has(orderNo)) out.push(finding(recordNo, rules.uniqueOrderNumber.code, field, orderNo));
        else seen.set(orderNo, i);
      }
      const kind = line[kinds.field as "D04"];
      const kindField = `${kinds.field}[${i + 1}]`;
      const countField = filled(kind) ? kinds.countFields[kind] : undefined;
      if (countField && !hasField(out, kindField) && !((num(mb1(record, countField)) ?? 0) > 0)) {
        out.push(
          finding(recordNo, kinds.code, kindField, kind, msg(`${countField}須大於0`, `${countField} must be above 0`)),
        );
      }
    }
  }
}

let virtualOrderRe: RegExp | undefined;

/** D002 for the all-9s placeholder visit ID; 19 for a virtual order code (R001–R008, S001–S004) not on a G/H line. */
function placeholderAndVirtualOrders(out: Finding[], recordNo: number, record: UploadRecord): void {
  const rules = fieldRules().recordRules;
  const p = rules.placeholderVisitId;
  for (const field of p.fields) {
    if (mb1(record, field) !== p.value) continue;
    out.push(
      finding(
        recordNo,
        p.code,
        field,
        p.value,
        msg(
          "二十個9為過渡期佔位值，不是就醫識別碼，不可據以調劑",
          "twenty 9s is a transition placeholder, not a visit ID: never dispense against it",
        ),
      ),
    );
  }
  const v = rules.virtualOrder;
  virtualOrderRe ??= new RegExp(v.pattern);
  const virtual = virtualOrderRe;
  record.mb2.forEach((line, i) => {
    const code = line[v.field as "D06"];
    if (filled(code) && virtual.test(code) && !v.d02.includes(line.D02 ?? "")) {
      out.push(finding(recordNo, v.code, `D02[${i + 1}]`, line.D02, msg(`D06=${code}`, `D06 = ${code}`)));
    }
  });
}

/** All findings for one record (1-based `recordNo`); an empty list means NHI's format checks would pass it. */
export function validateRecord(record: UploadRecord, recordNo: number, options: ValidateOptions = {}): Finding[] {
  const rules = fieldRules();
  const out: Finding[] = [];
  const chronic = isChronicRecord(record);
  checkField(out, recordNo, record, chronic, rules.msh[0]!, "H00", record.h00);
  checkField(out, recordNo, record, chronic, rules.msh[1]!, "H01", record.h01);
  for (const rule of rules.mb1) checkField(out, recordNo, record, chronic, rule, rule.id, record.mb1[rule.id as "M01"]);
  for (let i = 0; i < record.mb2.length; i++) {
    const line = record.mb2[i]!;
    for (const rule of rules.mb2) {
      const value = line[rule.id as "D01"];
      // Indexed field names are built only for values and required fields.
      if (!filled(value) && !rule.requiredWhen) continue;
      checkField(out, recordNo, record, chronic, rule, `${rule.id}[${i + 1}]`, value, line);
    }
  }
  crossChecks(out, recordNo, record, options);
  return out;
}

/** Record numbers with at least one finding (file-level findings, record 0, make every record invalid). */
export function invalidRecordNos(findings: readonly Finding[], recordCount: number): number[] {
  if (findings.some((f) => f.recordNo === 0)) return Array.from({ length: recordCount }, (_, i) => i + 1);
  return [...new Set(findings.map((f) => f.recordNo))].sort((a, b) => a - b);
}

/** Parses an upload document (Big5 bytes or text) and validates every record: structural and field findings. */
export function validateDocument(
  input: Uint8Array | string,
  options: ValidateOptions = {},
): { records: UploadRecord[]; findings: Finding[] } {
  const { records, findings } = parseUploadXml(input);
  const seen = new Set(findings.map((f) => `${f.recordNo}|${f.field ?? ""}|${f.code}`));
  records.forEach((record, i) => {
    for (const f of validateRecord(record, i + 1, options)) {
      const key = `${f.recordNo}|${f.field ?? ""}|${f.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  });
  findings.sort((a, b) => a.recordNo - b.recordNo);
  return { records, findings };
}
