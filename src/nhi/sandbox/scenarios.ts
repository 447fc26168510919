/**
 * Seed scenarios: real-looking cases set up through the sandbox's own upload path (the clinic and pharmacy X pass
 * cards and upload Big5 XML like anyone else). Dates are relative to `now` so refill windows are open in demos.
 */
import { msg } from "../../domain/message.js";
import { type RocDate, type RocDateTime, rocDateTimeFromDate } from "../../domain/roc-date.js";
import { SM00_VISIT_ID } from "../../domain/visit-id.js";
import type { SandboxCore } from "./core.js";
import { DEMO_PATIENTS, type DemoPatient, demoNationalId } from "./demo-patients.js";
import { buildUploadXml, type UploadRecord } from "./format-bridge.js";
import { cancelRecord, dispensingInputFor, dispensingRecord, prescriptionRecord } from "./records.js";
import type { ScenarioCase, ScenarioName, SeededScenarios } from "./types.js";

const DAY_MS = 86_400_000;
export const SCENARIO_CLINIC = "3501200000";
export const SCENARIO_CLOSED_CLINIC = "1101110026";
export const SCENARIO_PRE2_CLINIC = "3502060427";
const OTHER_PHARMACIES = ["5901019999", "5901019998"];

const DOCTOR_ID = demoNationalId("F12661734");
const PHARMACIST_X = demoNationalId("B22014567");

type Patient = DemoPatient;
const PATIENTS = DEMO_PATIENTS;

/** Demo patients (name, birth date, card number) by national ID, for card fixtures and the UI. */
export const SCENARIO_PATIENTS: readonly Patient[] = Object.values(PATIENTS);

export async function seedScenarios(
  core: SandboxCore,
  input: { pharmacyCode: string; now?: Date },
): Promise<SeededScenarios> {
  const now = input.now ?? core.now();
  const at = (daysAgo: number, hour = 10): Date => {
    const d = new Date(now.getTime() - daysAgo * DAY_MS);
    // The same Taiwan-local hour every day keeps windows predictable.
    const local = new Date(d.getTime() + 8 * 3_600_000);
    local.setUTCHours(hour, 0, 0, 0);
    // Never later than an hour ago (a visit "this morning" seeded before 08:00 would lie in the future).
    return new Date(Math.min(local.getTime() - 8 * 3_600_000, now.getTime() - 3_600_000));
  };
  const pharmacyCode = input.pharmacyCode;
  const already = core.seededScenarios(pharmacyCode);
  if (already) return already;
  const otherPharmacy = OTHER_PHARMACIES.find((c) => c !== pharmacyCode)!;
  await core.registerInstitution({
    code: pharmacyCode,
    kind: "pharmacy",
    name: core.institution(pharmacyCode)?.name ?? "本藥局",
  });
  await core.registerInstitution({ code: otherPharmacy, kind: "pharmacy", name: "X藥局（他院）" });
  await core.registerInstitution({ code: SCENARIO_CLINIC, kind: "prescriber", name: "健保示範診所" });
  await core.registerInstitution({ code: SCENARIO_CLOSED_CLINIC, kind: "prescriber", name: "仁愛診所（已歇業）" });
  await core.registerInstitution({
    code: SCENARIO_PRE2_CLINIC,
    kind: "prescriber",
    name: "安康診所（2.0前處方）",
    format2Since: "1130901" as RocDate,
  });

  const upload = async (institutionCode: string, records: UploadRecord[]): Promise<void> => {
    const receipt = await core.upload({ institutionCode }, buildUploadXml(records));
    const result = core.uploadResult({ institutionCode }, receipt.uploadId)!;
    const rejected = result.results.filter((r) => !r.accepted);
    if (rejected.length > 0) {
      const codes = rejected.flatMap((r) => r.errors.map((e) => `${e.field}:${e.code}`)).join(", ");
      throw new Error(`scenario seeding: the sandbox rejected its own scenario record (${codes})`);
    }
  };

  const prescribe = async (
    clinic: string,
    p: Patient,
    when: Date,
    refillCount: number,
    sequenceNumber: string,
  ): Promise<UploadRecord> => {
    const pass = await core.passCard(
      { institutionCode: clinic },
      { nationalId: p.nationalId, visitCategory: "01", at: when },
    );
    return prescriptionRecord({
      institutionCode: clinic,
      samId: pass.samId,
      cardNumber: p.cardNumber,
      nationalId: p.nationalId,
      birthDate: p.birthDate,
      doctorId: DOCTOR_ID,
      visitDateTime: pass.visitDateTime,
      sequenceNumber,
      signature: pass.signature,
      visitId: pass.visitId,
      refillCount,
      daysPerRefill: refillCount >= 2 ? 28 : 3,
    });
  };

  const dispenseAtX = async (prescription: UploadRecord, p: Patient, when: Date, refillNo: number): Promise<void> => {
    const pass = await core.passCard(
      { institutionCode: otherPharmacy },
      { nationalId: p.nationalId, visitCategory: "AF", at: when },
    );
    const record = dispensingRecord(
      dispensingInputFor(prescription, pass, {
        pharmacyCode: otherPharmacy,
        pharmacistId: PHARMACIST_X,
        cardNumber: p.cardNumber,
        refillNo,
      }),
    );
    await upload(otherPharmacy, [record]);
  };

  const caseOf = (
    name: ScenarioName,
    prescription: UploadRecord | undefined,
    extra: Pick<ScenarioCase, "description" | "expected" | "nextRefillNo"> & Partial<ScenarioCase>,
  ): ScenarioCase => {
    const p = PATIENTS[name];
    const m = prescription?.mb1 ?? {};
    const refillCount = Number(m.M26 ?? "1") || 1;
    const c: ScenarioCase = {
      name,
      originalVisitId: m.M15 ?? "",
      nationalId: p.nationalId,
      patientName: p.name,
      birthDate: p.birthDate,
      prescriberInstitutionCode: m.M05 ?? "",
      originalVisitDateTime: (m.M11 ?? "") as RocDateTime,
      chronic: refillCount >= 2,
      refillCount,
      daysPerRefill: Number(m.M20 ?? "0"),
      ...extra,
    };
    if (m.M13 !== undefined && extra.originalSequenceNumber === undefined && name !== "j000ClinicClosed") {
      c.originalSequenceNumber = m.M13;
    }
    return c;
  };

  // 1. A fresh 3-refill chronic prescription (28 days each) uploaded by the clinic yesterday.
  const fresh = await prescribe(SCENARIO_CLINIC, PATIENTS.chronicFresh, at(1, 9), 3, "0012");
  await upload(SCENARIO_CLINIC, [fresh]);

  // 2. Pharmacy X dispensed refill 1 (28 days ago) and refill 2 (2 days ago): refill 2 here would be D025.
  const elsewhere = await prescribe(SCENARIO_CLINIC, PATIENTS.dispensedElsewhere, at(30, 9), 3, "0031");
  await upload(SCENARIO_CLINIC, [elsewhere]);
  await dispenseAtX(elsewhere, PATIENTS.dispensedElsewhere, at(28, 11), 1);
  await dispenseAtX(elsewhere, PATIENTS.dispensedElsewhere, at(2, 15), 2);

  // 3. Refills 1 and 2 dispensed at X; the clinic cancelled refill 3 and then restored it. Refill 3's window is open.
  const restored = await prescribe(SCENARIO_CLINIC, PATIENTS.cancelledRestored, at(48, 9), 3, "0044");
  await upload(SCENARIO_CLINIC, [restored]);
  await dispenseAtX(restored, PATIENTS.cancelledRestored, at(46, 11), 1);
  await dispenseAtX(restored, PATIENTS.cancelledRestored, at(20, 11), 2);
  await upload(SCENARIO_CLINIC, [cancelRecord(restored, 3, "C")]);
  await upload(SCENARIO_CLINIC, [cancelRecord(restored, 3, "E")]);

  // 4. The clinic has closed: its prescription is known centrally without its sequence number (M18 → J000).
  const closed = await prescribe(SCENARIO_CLOSED_CLINIC, PATIENTS.j000ClinicClosed, at(27, 9), 3, "0007");
  await core.seedLegacyRecord(closed, { sequenceNumberWithheld: true });
  await dispenseAtX({ ...closed, mb1: { ...closed.mb1, M13: "J000" } }, PATIENTS.j000ClinicClosed, at(25, 11), 1);

  // 5. A prescription from before the clinic switched to format 2.0: the paper shows SM00, no status exists.
  const sm00Visit = new Date(Math.min(at(40, 9).getTime(), Date.UTC(2024, 7, 30, 2, 0, 0)));
  const sm00Patient = PATIENTS.sm00PreFormat2;

  // 6. 補卡: dispensed yesterday without a card and without a kept visit ID; the card is shown today (M12=4, MISS).
  const supplement = await prescribe(SCENARIO_CLINIC, PATIENTS.supplementMiss, at(2, 9), 1, "0052");
  await upload(SCENARIO_CLINIC, [supplement]);
  const actualVisit = rocDateTimeFromDate(at(1, 16));

  // 7. An ordinary one-off prescription from this morning.
  const oneOff = await prescribe(SCENARIO_CLINIC, PATIENTS.oneOff, at(0, 8), 1, "0063");
  await upload(SCENARIO_CLINIC, [oneOff]);

  // 8. The clinic passed the card this morning but has not uploaded yet (it has 24 h): NHI knows no prescription.
  const pending = await prescribe(SCENARIO_CLINIC, PATIENTS.notYetUploaded, at(0, 9), 1, "0074");

  const cases: Record<ScenarioName, ScenarioCase> = {
    chronicFresh: caseOf("chronicFresh", fresh, {
      nextRefillNo: 1,
      description: msg(
        "診所昨日開立慢性病連續處方箋（3次，每次28天）",
        "Clinic issued a 3-refill chronic prescription yesterday (28 days each)",
      ),
      expected: msg("第1次可調劑", "Refill 1 can be dispensed"),
    }),
    dispensedElsewhere: caseOf("dispensedElsewhere", elsewhere, {
      nextRefillNo: 2,
      description: msg("X藥局已調劑第1、2次", "Pharmacy X already dispensed refills 1 and 2"),
      expected: msg(
        "第1、2次已於X藥局調劑（紀錄）；第3次尚未到可調劑期間（D022）",
        "Refills 1 and 2 were dispensed at pharmacy X (history); refill 3 is not due yet (D022)",
      ),
    }),
    cancelledRestored: caseOf("cancelledRestored", restored, {
      nextRefillNo: 3,
      description: msg("原處方院所註銷第3次後又取消註銷", "The prescriber cancelled refill 3, then restored it"),
      expected: msg("第3次已取消註銷，於調劑期間內可調劑", "Refill 3 was restored and its window is open"),
    }),
    j000ClinicClosed: caseOf("j000ClinicClosed", closed, {
      nextRefillNo: 2,
      description: msg(
        "原處方診所已歇業，無法得知原處方就醫序號",
        "The prescribing clinic has closed; the original sequence number is unknown",
      ),
      expected: msg("第2次可調劑，M18填J000並記錄原因", "Refill 2 can be dispensed with M18 = J000, reason logged"),
    }),
    sm00PreFormat2: {
      name: "sm00PreFormat2",
      originalVisitId: SM00_VISIT_ID,
      nationalId: sm00Patient.nationalId,
      patientName: sm00Patient.name,
      birthDate: sm00Patient.birthDate,
      prescriberInstitutionCode: SCENARIO_PRE2_CLINIC,
      originalSequenceNumber: "0021",
      originalVisitDateTime: rocDateTimeFromDate(sm00Visit),
      chronic: true,
      refillCount: 3,
      daysPerRefill: 28,
      nextRefillNo: 2,
      description: msg("2.0格式實施前開立之處方（SM00）", "Prescription from before format 2.0 (SM00)"),
      expected: msg(
        "無法向健保署查詢調劑狀態（D074）；僅限2.0前之就醫可用SM00上傳",
        "NHI status cannot be queried (D074); SM00 uploads are accepted only for visits before 2.0",
      ),
    },
    supplementMiss: caseOf("supplementMiss", supplement, {
      nextRefillNo: 1,
      actualVisitDateTime: actualVisit,
      description: msg(
        "昨日未帶卡已自費領藥、未保留就醫識別碼，今日補卡",
        "Dispensed yesterday without a card or kept visit ID; card shown today",
      ),
      expected: msg(
        "補卡上傳：M12=4、M49=實際就醫時間、M52=MISS",
        "Supplement upload: M12=4, M49 = actual visit, M52 = MISS",
      ),
    }),
    oneOff: caseOf("oneOff", oneOff, {
      nextRefillNo: 1,
      description: msg("一般處方箋（非慢性病連續處方）", "Ordinary one-off prescription"),
      expected: msg("可調劑", "Can be dispensed"),
    }),
    notYetUploaded: caseOf("notYetUploaded", pending, {
      nextRefillNo: 1,
      description: msg(
        "診所今早開立、尚未上傳健保署（24小時內上傳即可）",
        "Issued by the clinic this morning, not uploaded to NHI yet (it has 24 hours)",
      ),
      expected: msg(
        "健保署查無此處方（D024）：依紙本處方判斷，稍後再查",
        "NHI does not know the prescription yet (D024): judge from the paper, check again later",
      ),
    }),
  };
  const seeded: SeededScenarios = {
    pharmacyCode,
    otherPharmacyCode: otherPharmacy,
    clinicCode: SCENARIO_CLINIC,
    closedClinicCode: SCENARIO_CLOSED_CLINIC,
    preFormat2ClinicCode: SCENARIO_PRE2_CLINIC,
    cases,
  };
  await core.rememberScenarios(seeded);
  return seeded;
}
