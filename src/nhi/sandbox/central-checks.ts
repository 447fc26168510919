/**
 * Central (state-dependent) checks the NHI side applies after the format checks: visit-ID verification by
 * decoding (D002–D005), H01 semantics (A/B insert or correct by M15, C/E/D), the chronic refill checks for
 * dispensing records against M16/M17 (D019, D022, D023/D073, D024, D025, D049/D051, D068, D074) and
 * duplicate keys (C001). Returns either the errors for the check-result report or the mutation to apply.
 */
import { correctionDeadline, refillWindow } from "../../domain/refill-rules.js";
import type { RocDate, RocDateTime } from "../../domain/roc-date.js";
import { MISS_VISIT_ID, SM00_VISIT_ID } from "../../domain/visit-id.js";
import type { RefillEvent } from "../client.js";
import { filled, type UploadRecord } from "./format-bridge.js";
import {
  daysOf,
  isChronicPrescription,
  isDispensingRecord,
  recordKey,
  refillCountOf,
  refillNoOf,
  type SandboxState,
  type StoredRecord,
} from "./state.js";
import type { DecodedVisitId, InstitutionKind } from "./types.js";

export interface CheckError {
  field: string;
  code: string;
}

/**
 * A record's check: rejected with errors, or taken (a mutation), possibly with warnings that NHI reports but that
 * do not reject the record (如無合併其他錯誤，本筆仍會收載: D024, D049, D051).
 */
export type CheckOutcome = { errors: CheckError[] } | { mutation: Mutation; warnings?: CheckError[] };

export type Mutation =
  | { kind: "put"; stored: StoredRecord; event?: { originalVisitId: string; refillNo: number; event: RefillEvent } }
  | { kind: "delete"; key: string; event?: { originalVisitId: string; refillNo: number; event: RefillEvent } }
  | { kind: "refill"; originalVisitId: string; refillNo: number; event: RefillEvent };

export interface CheckContext {
  state: SandboxState;
  decode(visitId: string): DecodedVisitId | undefined;
  today: RocDate;
  /** The moment of the upload (C/E/D events are stamped with it). */
  nowDateTime: RocDateTime;
  /** The latest visit date-time (M11) accepted: the upload's moment plus a small clock skew (later: BD). */
  latestVisitDateTime: RocDateTime;
  /** The day the institution started format 2.0 (SM00 allowed only for visits before it). */
  format2Since(institutionCode: string): RocDate;
  kindOf(institutionCode: string): InstitutionKind | undefined;
}

export interface RecordInput {
  record: UploadRecord;
  callerCode: string;
  uploadId: string;
  receivedAt: string;
  /** Keys already used earlier in the same document. */
  seenKeys: Set<string>;
}

function visitDate(value: string | undefined): RocDate {
  return (value ?? "").slice(0, 7) as RocDate;
}

/** D002–D005 for a visit ID that must belong to this person, institution and date-time. */
function verifyVisitId(
  ctx: CheckContext,
  field: string,
  visitId: string,
  expect: { nationalId?: string; institutionCode?: string; visitDateTime?: string },
): CheckError[] {
  const decoded = ctx.decode(visitId);
  if (!decoded) return [{ field, code: "D002" }];
  const out: CheckError[] = [];
  if (expect.nationalId !== undefined && decoded.nationalId !== expect.nationalId) out.push({ field, code: "D003" });
  if (expect.institutionCode !== undefined && decoded.institutionCode !== expect.institutionCode) {
    out.push({ field, code: "D004" });
  }
  if (expect.visitDateTime !== undefined && decoded.visitDateTime !== expect.visitDateTime) {
    out.push({ field, code: "D005" });
  }
  return out;
}

export function centralCheck(ctx: CheckContext, input: RecordInput): CheckOutcome {
  const { record, callerCode } = input;
  const m = record.mb1;
  const institution = m.M05 ?? "";
  const fail = (...errors: CheckError[]) => ({ errors });
  if (institution !== callerCode) return fail({ field: "M05", code: "D004" });
  const callerKind = ctx.kindOf(callerCode) ?? (m.M07 === "AF" ? "pharmacy" : "prescriber");

  const key = recordKey(record);
  const insert = record.h01 === "A" || record.h01 === "B";
  if (insert && input.seenKeys.has(key)) return fail({ field: "M15", code: "C001" });

  switch (record.h01) {
    case "C":
    case "E":
      if (callerKind === "pharmacy") return fail({ field: "H01", code: "D053" });
      return cancelOrRestore(ctx, input);
    case "D":
      return deleteRecord(ctx, input, key);
    default:
      return insertOrCorrect(ctx, input, key, callerKind);
  }
}

function insertOrCorrect(
  ctx: CheckContext,
  input: RecordInput,
  key: string,
  callerKind: InstitutionKind,
): { errors: CheckError[] } | { mutation: Mutation } {
  const { record } = input;
  const m = record.mb1;
  const errors: CheckError[] = [];

  // Our own visit ID (M15): SM00 only for visits before the institution's switch to 2.0.
  if (m.M15 === SM00_VISIT_ID) {
    if (visitDate(m.M11) >= ctx.format2Since(m.M05 ?? "")) errors.push({ field: "M15", code: "D068" });
  } else if (m.M15 === MISS_VISIT_ID) {
    errors.push({ field: "M15", code: "D002" });
  } else {
    errors.push(
      ...verifyVisitId(ctx, "M15", m.M15 ?? "", {
        nationalId: m.M03,
        institutionCode: m.M05,
        visitDateTime: m.M11,
      }),
    );
  }
  // 補卡 (M12=2): the kept visit ID must be this person's.
  if (m.M12 === "2" && filled(m.M52) && m.M52 !== MISS_VISIT_ID) {
    errors.push(...verifyVisitId(ctx, "M52", m.M52, { nationalId: m.M03 }));
  }
  if (filled(m.M11) && m.M11 > ctx.latestVisitDateTime) errors.push({ field: "M11", code: "BD" });
  if (errors.length > 0) return { errors };

  const existing = ctx.state.records.get(key);
  if (existing) {
    // A correction: same M15, same institution, until the end of the month after the visit.
    if (existing.institutionCode !== m.M05) return { errors: [{ field: "M15", code: "C001" }] };
    if (ctx.today > correctionDeadline((existing.record.mb1.M11 ?? "") as RocDateTime)) {
      return { errors: [{ field: "M15", code: "C001" }] };
    }
  }

  const stored: StoredRecord = {
    key,
    institutionCode: m.M05 ?? "",
    record,
    uploadId: input.uploadId,
    receivedAt: input.receivedAt,
  };

  if (!isDispensingRecord(record)) {
    if (callerKind === "pharmacy" && m.M07 !== "AF") return { errors: [{ field: "M07", code: "AD23" }] };
    if (existing && isDispensingRecord(existing.record)) return { errors: [{ field: "M15", code: "C001" }] };
    if (existing) {
      // A corrected prescription may not drop below the refills already dispensed.
      const dispensed = ctx.state.refills(existing).filter((r) => r.state === "dispensed");
      const maxDispensed = Math.max(0, ...dispensed.map((r) => r.refillNo));
      if (refillCountOf(record) < maxDispensed) return { errors: [{ field: "M26", code: "D019" }] };
    }
    return { mutation: { kind: "put", stored } };
  }
  return dispensing(ctx, input, stored, existing);
}

function dispensing(
  ctx: CheckContext,
  input: RecordInput,
  stored: StoredRecord,
  existing: StoredRecord | undefined,
): CheckOutcome {
  const m = input.record.mb1;
  const original = m.M16 ?? "";
  if (existing && (!isDispensingRecord(existing.record) || existing.record.mb1.M16 !== original)) {
    return { errors: [{ field: "M16", code: "C001" }] };
  }
  const event: RefillEvent = {
    type: input.record.h01 === "B" ? "B" : "A",
    at: m.M11 as RocDateTime,
    institutionCode: stored.institutionCode,
  };
  if (filled(m.M15)) event.visitId = m.M15;

  if (original === SM00_VISIT_ID) {
    // Pre-2.0 prescription: allowed only for visits before the prescriber's switch; no status to check against.
    if (visitDate(m.M19) >= ctx.format2Since(m.M17 ?? "")) return { errors: [{ field: "M16", code: "D068" }] };
    return { mutation: { kind: "put", stored } };
  }
  const decoded = original === MISS_VISIT_ID ? undefined : ctx.decode(original);
  if (!decoded) return { errors: [{ field: "M16", code: "D074" }] };
  const errors: CheckError[] = [];
  const warnings: CheckError[] = [];
  if (decoded.nationalId !== m.M03) errors.push({ field: "M16", code: "D003" });
  if (decoded.visitDateTime !== m.M19) errors.push({ field: "M16", code: "D005" });
  if (decoded.institutionCode !== m.M17) {
    warnings.push({ field: "M16", code: m.M17 === m.M05 ? "D051" : "D049" });
  }
  if (errors.length > 0) return { errors: [...errors, ...warnings] };
  const outcome = againstPrescription(ctx, input, stored, existing, event);
  if ("errors" in outcome) return { errors: [...warnings, ...outcome.errors] };
  const all = [...warnings, ...(outcome.warnings ?? [])];
  return all.length > 0 ? { mutation: outcome.mutation, warnings: all } : outcome;
}

/** A dispensing record against the prescription and its refills (M16, M33). */
function againstPrescription(
  ctx: CheckContext,
  input: RecordInput,
  stored: StoredRecord,
  existing: StoredRecord | undefined,
  event: RefillEvent,
): CheckOutcome {
  const m = input.record.mb1;
  const original = m.M16 ?? "";
  const refillNo = refillNoOf(input.record);
  const prescription = ctx.state.prescription(original);
  if (!prescription) {
    // Not uploaded by the prescriber (yet): NHI keeps the record with a warning.
    return {
      mutation: { kind: "put", stored, event: { originalVisitId: original, refillNo, event } },
      warnings: [{ field: "M16", code: "D024" }],
    };
  }
  const count = refillCountOf(prescription.record);
  if (refillNo < 1 || refillNo > count) return { errors: [{ field: "M33", code: "D019" }] };

  const refills = ctx.state.refills(prescription);
  const target = refills[refillNo - 1]!;
  const mine = existing?.key;
  if (target.state === "cancelled") return { errors: [{ field: "M33", code: "D023" }] };
  if (refills.slice(0, refillNo - 1).some((r) => r.state === "cancelled")) {
    return { errors: [{ field: "M33", code: "D073" }] };
  }
  if (target.state === "dispensed" && target.dispensedVisitId !== mine) {
    const here = target.dispensedBy === stored.institutionCode;
    return { errors: [{ field: here ? "M15" : "M33", code: here ? "C001" : "D025" }] };
  }
  // A correction of our own dispensing of this refill (same M15): unlimited within the deadline, the last one
  // wins (seed 000 §以更正上傳資料為例-3), not judged again by refill order or window.
  const correction = existing !== undefined && refillNoOf(existing.record) === refillNo;
  if (correction) return { mutation: { kind: "put", stored, event: { originalVisitId: original, refillNo, event } } };
  if (isChronicPrescription(prescription.record) && refillNo >= 2) {
    const previous = refills[refillNo - 2]!;
    if (previous.state !== "dispensed" || !previous.dispensedAt) {
      return { errors: [{ field: "M33", code: "D022" }] };
    }
    const window = refillWindow(visitDate(previous.dispensedAt), previous.days ?? daysOf(prescription.record) ?? 1);
    const on = visitDate(m.M11);
    if (on < window.from || on > window.to) return { errors: [{ field: "M11", code: "D022" }] };
  }
  // Refills after this one already dispensed: this one is out of order.
  if (refills.slice(refillNo).some((r) => r.state === "dispensed")) {
    return { errors: [{ field: "M33", code: "D022" }] };
  }
  return { mutation: { kind: "put", stored, event: { originalVisitId: original, refillNo, event } } };
}

function cancelOrRestore(ctx: CheckContext, input: RecordInput): { errors: CheckError[] } | { mutation: Mutation } {
  const m = input.record.mb1;
  const original = filled(m.M16) ? m.M16 : (m.M15 ?? "");
  const prescription = ctx.state.prescription(original);
  if (!prescription || prescription.institutionCode !== m.M05) return { errors: [{ field: "M15", code: "D001" }] };
  if (!isChronicPrescription(prescription.record)) return { errors: [{ field: "M15", code: "D001" }] };
  const refillNo = filled(m.M33) && /^\d+$/.test(m.M33) ? Number(m.M33) : 0;
  if (refillNo < 2 || refillNo > refillCountOf(prescription.record))
    return { errors: [{ field: "M33", code: "D019" }] };
  const refill = ctx.state.refills(prescription)[refillNo - 1]!;
  if (input.record.h01 === "C") {
    // Only an undispensed refill can be cancelled; a dispensed or already cancelled one leaves nothing to cancel.
    if (refill.state !== "undispensed") return { errors: [{ field: "M33", code: "D001" }] };
  } else if (refill.state !== "cancelled") {
    return { errors: [{ field: "M33", code: "D038" }] };
  }
  const event: RefillEvent = {
    type: input.record.h01 === "C" ? "C" : "E",
    at: ctx.nowDateTime,
    institutionCode: m.M05 ?? "",
  };
  return { mutation: { kind: "refill", originalVisitId: original, refillNo, event } };
}

function deleteRecord(
  ctx: CheckContext,
  input: RecordInput,
  key: string,
): { errors: CheckError[] } | { mutation: Mutation } {
  const m = input.record.mb1;
  const existing = ctx.state.records.get(key);
  // Own records only: someone else's record is, for this institution, nothing to delete.
  if (!existing || existing.institutionCode !== m.M05) return { errors: [{ field: "M15", code: "D001" }] };
  const event: RefillEvent = { type: "D", at: ctx.nowDateTime, institutionCode: m.M05 ?? "" };
  if (filled(m.M15)) event.visitId = m.M15;
  if (isDispensingRecord(existing.record)) {
    const original = existing.record.mb1.M16!;
    const refillNo = refillNoOf(existing.record);
    const prescription = ctx.state.prescription(original);
    if (prescription) {
      const later = ctx.state.refills(prescription).slice(refillNo);
      if (later.some((r) => r.state === "dispensed" && r.dispensedBy !== m.M05)) {
        return { errors: [{ field: "M15", code: "D035" }] };
      }
    }
    return { mutation: { kind: "delete", key, event: { originalVisitId: original, refillNo, event } } };
  }
  // A prescription: not once another institution executed it.
  const refills = ctx.state.refills(existing);
  if (refills.some((r) => r.state === "dispensed" && r.dispensedBy !== m.M05)) {
    return { errors: [{ field: "M15", code: "D035" }] };
  }
  return { mutation: { kind: "delete", key } };
}
