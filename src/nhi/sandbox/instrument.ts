/**
 * The sandbox as a test instrument: seed a prescription with chosen fields, record another institution's
 * dispensing, cancel and restore as the prescriber, and list what the sandbox holds. Everything goes through the
 * sandbox's own card pass and upload path, so the central checks apply as for anyone else.
 */
import { msg } from "../../domain/message.js";
import { nationalIdCheckDigit } from "../../domain/national-id.js";
import {
  dateFromRocDateTime,
  isRocDate,
  isRocDateTime,
  type RocDate,
  type RocDateTime,
  rocDateTimeFromDate,
} from "../../domain/roc-date.js";
import type { SandboxCore } from "./core.js";
import { buildUploadXml, type UploadRecord } from "./format-bridge.js";
import { cancelRecord, dispensingInputFor, dispensingRecord, prescriptionRecord } from "./records.js";
import { requireInstitutionCode, requireNationalId, SandboxRequestError } from "./request-error.js";
import { isDispensingRecord, refillCountOf } from "./state.js";

const DOCTOR_ID = `F12661734${nationalIdCheckDigit("F12661734")}`;
const PHARMACIST_ID = `B22014567${nationalIdCheckDigit("B22014567")}`;
/** A new contract may use G000 this long after its contract date (seed 004 異常代碼對照表: 60 days). */
export const NEW_CONTRACT_G000_DAYS = 60;

export interface SeedPrescriptionInput {
  prescriberCode: string;
  prescriberName?: string;
  nationalId: string;
  birthDate?: string;
  /** M11 of the prescriber's visit (yyyMMddHHmmss); default an hour before the sandbox clock. */
  visitDateTime?: string;
  /** 1 = ordinary prescription (default), 2–4 = chronic refills (M26). */
  refillCount?: number;
  /** Days per dispensing (M20); default 28 for chronic, 3 otherwise. */
  days?: number;
  /** The prescriber's sequence number (M18 on the pharmacy's record); null = NHI does not know it (J000 case). */
  sequenceNumber?: string | null;
  /** A new-contract clinic (新特約) before its VPN works: H01=B, M13=G000, an offline visit ID. */
  newContract?: boolean;
  /** false = the clinic passed the card but has not uploaded yet (the pharmacy sees D024). Default true. */
  upload?: boolean;
}

export interface SeededPrescription {
  originalVisitId: string;
  prescriberInstitutionCode: string;
  nationalId: string;
  originalVisitDateTime: RocDateTime;
  refillCount: number;
  daysPerRefill: number;
  originalSequenceNumber?: string;
  uploaded: boolean;
}

export interface UploadOutcome {
  accepted: boolean;
  /** `FIELD:CODE` of each error when rejected. */
  codes: string[];
}

function bad(zh: string, en: string): never {
  throw new SandboxRequestError(400, msg(zh, en));
}

function rocDateTimeOr(value: string | undefined, fallback: Date): RocDateTime {
  if (value === undefined) return rocDateTimeFromDate(fallback);
  if (!isRocDateTime(value)) bad("時間應為民國日期時間 yyyMMddHHmmss", "A date-time is yyyMMddHHmmss (ROC)");
  return value;
}

async function uploadAs(core: SandboxCore, institutionCode: string, records: UploadRecord[]): Promise<UploadOutcome> {
  const receipt = await core.upload({ institutionCode }, buildUploadXml(records));
  const result = core.uploadResult({ institutionCode }, receipt.uploadId)!;
  const codes = result.results.flatMap((r) => r.errors.map((e) => `${e.field}:${e.code}`));
  return { accepted: result.rejected === 0, codes };
}

export async function seedPrescription(core: SandboxCore, input: SeedPrescriptionInput): Promise<SeededPrescription> {
  const code = requireInstitutionCode(input.prescriberCode);
  const nationalId = requireNationalId(input.nationalId);
  const refillCount = input.refillCount ?? 1;
  if (!Number.isInteger(refillCount) || refillCount < 1 || refillCount > 4) {
    bad("可調劑次數應為1～4", "refillCount must be 1 to 4");
  }
  const days = input.days ?? (refillCount >= 2 ? 28 : 3);
  if (!Number.isInteger(days) || days < 1 || days > 30) bad("給藥日份應為1～30", "days must be 1 to 30");
  if (input.birthDate !== undefined && !isRocDate(input.birthDate)) bad("出生日期應為民國日期", "birthDate is yyyMMdd");
  const visitDateTime = rocDateTimeOr(input.visitDateTime, new Date(core.now().getTime() - 3_600_000));
  const at = dateFromRocDateTime(visitDateTime);

  await core.registerInstitution({
    code,
    kind: "prescriber",
    ...(input.prescriberName !== undefined ? { name: input.prescriberName } : {}),
    ...(input.newContract ? { newContractSince: visitDateTime.slice(0, 7) as RocDate } : {}),
  });
  const pass = await core.passCard({ institutionCode: code }, { nationalId, visitCategory: "01", at });
  const sequenceNumber = input.newContract ? "G000" : (input.sequenceNumber ?? pass.sequenceNumber ?? "0001");
  const record = prescriptionRecord({
    institutionCode: code,
    samId: pass.samId,
    cardNumber: pass.cardNumber ?? core.cardNumberOf(nationalId),
    nationalId,
    birthDate: (input.birthDate ?? "0700101") as RocDate,
    doctorId: DOCTOR_ID,
    visitDateTime,
    sequenceNumber,
    signature: pass.signature,
    visitId: input.newContract
      ? (await core.controlSoftware.offlineVisitId({ institutionCode: code }, nationalId, at)).visitId
      : pass.visitId,
    refillCount,
    daysPerRefill: days,
    ...(input.newContract ? { h01: "B" as const } : {}),
  });
  const uploaded = input.upload !== false;
  if (uploaded) {
    const withheld = input.sequenceNumber === null;
    if (withheld) await core.seedLegacyRecord(record, { sequenceNumberWithheld: true });
    else {
      const outcome = await uploadAs(core, code, [record]);
      if (!outcome.accepted) {
        bad(
          `沙盒拒收此處方：${outcome.codes.join(", ")}`,
          `The sandbox rejected this prescription: ${outcome.codes.join(", ")}`,
        );
      }
    }
  }
  const seeded: SeededPrescription = {
    originalVisitId: record.mb1.M15!,
    prescriberInstitutionCode: code,
    nationalId,
    originalVisitDateTime: visitDateTime,
    refillCount,
    daysPerRefill: days,
    uploaded,
  };
  if (input.sequenceNumber !== null) seeded.originalSequenceNumber = sequenceNumber;
  return seeded;
}

function prescriptionOf(core: SandboxCore, originalVisitId: string): UploadRecord {
  const stored = core.state.prescription(originalVisitId);
  if (!stored) {
    throw new SandboxRequestError(
      404,
      msg("沙盒中查無此處方（未上傳）", "The sandbox holds no such prescription (not uploaded)"),
    );
  }
  return stored.record;
}

/** Another institution dispenses refill `refillNo` (its card pass and upload); answers what NHI said. */
export async function recordDispensing(
  core: SandboxCore,
  input: { originalVisitId: string; institutionCode: string; institutionName?: string; refillNo: number; at?: string },
): Promise<UploadOutcome & { visitId: string }> {
  const prescription = prescriptionOf(core, input.originalVisitId);
  const code = requireInstitutionCode(input.institutionCode);
  if (!core.institution(code) || input.institutionName !== undefined) {
    await core.registerInstitution({
      code,
      kind: "pharmacy",
      ...(input.institutionName !== undefined ? { name: input.institutionName } : {}),
    });
  }
  const at = dateFromRocDateTime(rocDateTimeOr(input.at, core.now()));
  const pass = await core.passCard(
    { institutionCode: code },
    { nationalId: prescription.mb1.M03!, visitCategory: "AF", at },
  );
  const record = dispensingRecord(
    dispensingInputFor(prescription, pass, {
      pharmacyCode: code,
      pharmacistId: PHARMACIST_ID,
      cardNumber: pass.cardNumber ?? "",
      refillNo: input.refillNo,
    }),
  );
  return { ...(await uploadAs(core, code, [record])), visitId: pass.visitId };
}

/** The prescriber cancels (C) or restores (E) refill `refillNo` of its prescription. */
export async function cancelOrRestore(
  core: SandboxCore,
  input: { originalVisitId: string; refillNo: number; h01: "C" | "E" },
): Promise<UploadOutcome> {
  const prescription = prescriptionOf(core, input.originalVisitId);
  return uploadAs(core, prescription.mb1.M05!, [cancelRecord(prescription, input.refillNo, input.h01)]);
}

/** What the sandbox holds: its clock, institutions and every prescription with its refills. */
export function listHoldings(core: SandboxCore) {
  const prescriptions = [...core.state.records.values()]
    .filter((r) => !isDispensingRecord(r.record) && r.key === r.record.mb1.M15)
    .map((stored) => {
      const status = core.state.status(stored);
      return {
        originalVisitId: stored.key,
        prescriber: { code: stored.institutionCode, name: status.prescriberName },
        nationalId: status.nationalId,
        visitDateTime: status.originalVisitDateTime,
        refillCount: refillCountOf(stored.record),
        sequenceNumber: status.originalSequenceNumber,
        refills: status.refills.map((r) => ({
          refillNo: r.refillNo,
          state: r.state,
          ...(r.dispensedBy
            ? { dispensedBy: { code: r.dispensedBy, name: r.dispensedByName }, at: r.dispensedAt }
            : {}),
        })),
      };
    });
  return {
    now: core.now().toISOString(),
    institutions: [...core.state.institutions.values()],
    prescriptions,
  };
}
