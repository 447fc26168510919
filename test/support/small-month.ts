/**
 * A hand-written month (113/03) for one pharmacy: four prescriptions covering every kind of log entry, with
 * totals a person can count on their fingers, served by the one fake service. Shared by the builder, CSV, PDF and
 * CLI tests.
 */
import { msg } from "../../src/domain/message.js";
import { dateFromRocDateTime, type RocDate, type RocDateTime } from "../../src/domain/roc-date.js";
import type { PatientMask, PharmacyInfo, RefillLogData } from "../../src/reports/model.js";
import { buildRefillLogData } from "../../src/reports/refill-log-data.js";
import type {
  DispensingView,
  OutboxEntryView,
  PrescriptionView,
  RefillDue,
  RefillEventView,
} from "../../src/service/types.js";
import { FakeService } from "./fake-service.js";

export const PHARMACY: PharmacyInfo = {
  name: "安心健保藥局",
  pharmacyCode: "5901010010",
  phone: "02-2345-6789",
  address: "臺北市中正區重慶南路一段 100 號",
};
export const FROM = "1130301" as RocDate;
export const TO = "1130331" as RocDate;
/** Report time: 113/04/01 12:00 Taipei. */
export const NOW = dateFromRocDateTime("1130401120000" as RocDateTime);

export const RX1 = "1BYFWZQ21QQXY3B54X0L";
export const RX2 = "OUSE4FA11RP4J370WR4K";
export const RX3 = "2C3D4E5F6G7H8J9K0L1M";
export const RX4 = "9MVG8VRA6HPL0GU1L192";
export const OVERRIDE_REASON = '健保署連線中斷, 病人"急需"用藥\n已電話確認';
export const J000_REASON = "原處方診所已歇業，雲端藥歷查無就醫序號，電話聯繫未果，依規定以 J000 申報";
export const PHARMACIST = "F223456781";

const at = (roc: string) => dateFromRocDateTime(roc as RocDateTime).toISOString();
const rdt = (roc: string) => roc as RocDateTime;
const rd = (roc: string) => roc as RocDate;

const prescriptions: PrescriptionView[] = [
  {
    originalVisitId: RX1,
    prescriberInstitutionCode: "1101110026",
    prescriberName: "臺大醫院",
    originalSequenceNumber: "0012",
    originalVisitDateTime: rdt("1130130093000"),
    nationalId: "A123456789",
    patientName: "王小明",
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    totalDays: 84,
    orders: [],
    refills: [
      {
        refillNo: 1,
        state: "dispensed",
        dispensedBy: "5903010022",
        dispensedHere: false,
        dispensedAt: rdt("1130201100000"),
        days: 28,
      },
      {
        refillNo: 2,
        state: "dispensed",
        dispensedBy: PHARMACY.pharmacyCode,
        dispensedHere: true,
        dispensedAt: rdt("1130302100000"),
        pharmacistId: PHARMACIST,
        days: 28,
      },
      { refillNo: 3, state: "undispensed", window: { from: rd("1130320"), to: rd("1130329") } },
    ],
  },
  {
    originalVisitId: RX2,
    prescriberInstitutionCode: "3502060427",
    prescriberName: "仁愛家庭醫學科診所",
    originalVisitDateTime: rdt("1130309150000"),
    nationalId: "B223456780",
    patientName: "陳美玲",
    chronic: true,
    refillCount: 2,
    daysPerRefill: 28,
    orders: [],
    refills: [
      {
        refillNo: 1,
        state: "dispensed",
        dispensedBy: PHARMACY.pharmacyCode,
        dispensedHere: true,
        dispensedAt: rdt("1130310103000"),
        pharmacistId: PHARMACIST,
        days: 28,
      },
      { refillNo: 2, state: "undispensed", restored: true, window: { from: rd("1130328"), to: rd("1130406") } },
    ],
  },
  {
    originalVisitId: RX3,
    prescriberInstitutionCode: "3101020011",
    prescriberName: "中興內科診所",
    originalVisitDateTime: rdt("1130205090000"),
    nationalId: "C112345670",
    patientName: "林志明",
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    orders: [],
    refills: [
      {
        refillNo: 1,
        state: "dispensed",
        dispensedBy: "3101020011",
        dispensedHere: false,
        dispensedAt: rdt("1130205100000"),
        days: 28,
      },
      {
        refillNo: 2,
        state: "dispensed",
        dispensedBy: PHARMACY.pharmacyCode,
        dispensedHere: true,
        dispensedAt: rdt("1130331200000"),
        pharmacistId: PHARMACIST,
        days: 28,
      },
      { refillNo: 3, state: "undispensed", window: { from: rd("1130418"), to: rd("1130427") } },
    ],
  },
  {
    originalVisitId: RX4,
    prescriberInstitutionCode: "3501200000",
    prescriberName: "健保示範診所",
    originalVisitDateTime: rdt("1130314110000"),
    nationalId: "D134567891",
    patientName: "張家豪",
    chronic: true,
    refillCount: 2,
    daysPerRefill: 30,
    orders: [],
    refills: [
      { refillNo: 1, state: "undispensed" },
      { refillNo: 2, state: "undispensed" },
    ],
  },
];

const common = (m16: string, refillNo: number) => {
  const p = prescriptions.find((x) => x.originalVisitId === m16)!;
  return {
    originalVisitId: m16,
    refillNo,
    nationalId: p.nationalId,
    prescriberInstitutionCode: p.prescriberInstitutionCode,
  };
};

const events: RefillEventView[] = [
  {
    id: "e1",
    at: at("1130301090000"),
    type: "blocked",
    ...common(RX1, 1),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    reason: "dispensed-elsewhere",
    nhiCodes: ["D025"],
    // As the domain words it: the pharmacist who dispensed it is named by national ID.
    message: msg(
      `第1次已於 5903010022 調劑，不可重複調劑，藥師 ${PHARMACIST}`,
      `Refill 1 was already dispensed at 5903010022, pharmacist ${PHARMACIST}`,
    ),
  },
  {
    id: "e2",
    at: at("1130302100000"),
    type: "dispensed",
    ...common(RX1, 2),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    message: msg("第2次調劑 28 日", "Refill 2 dispensed, 28 days"),
  },
  {
    id: "e3",
    at: at("1130310102900"),
    type: "override",
    ...common(RX2, 1),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    reason: OVERRIDE_REASON,
    message: msg("無法連線健保署，藥師確認後放行", "NHI unreachable; dispensed on the pharmacist's judgement"),
  },
  {
    id: "e4",
    at: at("1130310103000"),
    type: "dispensed",
    ...common(RX2, 1),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    message: msg("第1次調劑 28 日", "Refill 1 dispensed, 28 days"),
  },
  // The re-check after the outage: refill 1 had also been dispensed elsewhere (a late D025).
  {
    id: "e4b",
    at: at("1130311080000"),
    type: "blocked",
    ...common(RX2, 1),
    institutionCode: "5903010022",
    pharmacistId: PHARMACIST,
    nhiCodes: ["D025"],
    message: msg(
      "連線恢復後查核：第1次亦已由 5903010022 調劑（重複調劑，D025）",
      "Re-check after the outage: refill 1 was also dispensed by 5903010022 (duplicate, D025)",
    ),
  },
  {
    id: "e5",
    at: at("1130311150000"),
    type: "cancelled",
    ...common(RX2, 2),
    institutionCode: "3502060427",
    message: msg("原處方院所註銷第2次", "Prescriber cancelled refill 2"),
  },
  {
    id: "e6",
    at: at("1130312090000"),
    type: "restored",
    ...common(RX2, 2),
    institutionCode: "3502060427",
    message: msg("原處方院所取消註銷第2次", "Prescriber restored refill 2"),
  },
  {
    id: "e7",
    at: at("1130315110000"),
    type: "dispensed",
    ...common(RX4, 1),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    message: msg("第1次調劑 30 日", "Refill 1 dispensed, 30 days"),
  },
  {
    id: "e8",
    at: at("1130316090000"),
    type: "deleted",
    ...common(RX4, 1),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    reason: "病人未取藥，整筆刪除",
    message: msg("整筆刪除（D）", "Whole record deleted (D)"),
  },
  {
    id: "e9",
    at: at("1130331190000"),
    type: "blocked",
    ...common(RX3, 2),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    reason: "person-mismatch",
    message: msg("健保卡與處方箋不是同一人", "The card does not belong to the prescription's patient"),
  },
  {
    id: "e10",
    at: at("1130331200000"),
    type: "j000",
    ...common(RX3, 2),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    reason: J000_REASON,
    message: msg("原處方就醫序號以 J000 申報", "Prescriber's sequence number reported as J000"),
  },
  {
    id: "e11",
    at: at("1130331200000"),
    type: "dispensed",
    ...common(RX3, 2),
    institutionCode: PHARMACY.pharmacyCode,
    pharmacistId: PHARMACIST,
    message: msg("第2次調劑 28 日", "Refill 2 dispensed, 28 days"),
  },
];

const dispensing = (
  id: string,
  m16: string,
  refillNo: number,
  visit: string,
  days: number,
  extra: Partial<DispensingView> = {},
): DispensingView => ({
  id,
  visitId: `M15${id.toUpperCase()}${"0".repeat(17 - id.length)}`,
  originalVisitId: m16,
  refillNo,
  visitDateTime: rdt(visit),
  pharmacistId: PHARMACIST,
  nationalId: prescriptions.find((p) => p.originalVisitId === m16)!.nationalId,
  days,
  status: "active",
  j000: false,
  upload: { state: "accepted", codes: [] },
  ...extra,
});

const dispensings: DispensingView[] = [
  dispensing("d1", RX1, 2, "1130302100000", 28),
  dispensing("d2", RX2, 1, "1130310103000", 28, { override: { reason: OVERRIDE_REASON } }),
  dispensing("d3", RX3, 2, "1130331200000", 28, { j000: true, upload: { state: "pending", codes: [] } }),
  dispensing("d4", RX4, 1, "1130315110000", 30, {
    status: "deleted",
    upload: {
      state: "rejected",
      codes: [{ field: "M16", code: "D024", message: msg("原處方院所未上傳", "Prescriber never uploaded") }],
    },
  }),
];

const outboxEntry = (
  d: DispensingView,
  uploadedAfterMinutes: number | undefined,
  state = d.upload.state,
): OutboxEntryView => {
  const created = dateFromRocDateTime(d.visitDateTime);
  return {
    id: `o-${d.id}`,
    dispensingId: d.id,
    visitId: d.visitId,
    dataFormat: "A",
    state,
    attempts: uploadedAfterMinutes === undefined ? 0 : 1,
    createdAt: created.toISOString(),
    deadline: new Date(created.getTime() + 86_400_000).toISOString(),
    uploadedAt:
      uploadedAfterMinutes === undefined
        ? undefined
        : new Date(created.getTime() + uploadedAfterMinutes * 60_000).toISOString(),
    rejections: [],
    warnings: [],
  };
};

const outbox: OutboxEntryView[] = [
  outboxEntry(dispensings[0]!, 5),
  // d2 went up 30 hours late (NHI was unreachable).
  outboxEntry(dispensings[1]!, 30 * 60),
  // d3 is waiting, still inside its 24 hours at report time.
  outboxEntry(dispensings[2]!, undefined),
  outboxEntry(dispensings[3]!, 10),
  // The D (delete) upload of d4: not an A/B upload, must not count for the KPI.
  { ...outboxEntry(dispensings[3]!, 24 * 60, "accepted"), id: "o-d4-del", dataFormat: "D" },
];

const due: RefillDue[] = [
  {
    originalVisitId: RX1,
    nationalId: "A123456789",
    patientName: "王小明",
    refillNo: 3,
    window: { from: rd("1130320"), to: rd("1130329") },
    state: "missed",
  },
  {
    originalVisitId: RX2,
    nationalId: "B223456780",
    patientName: "陳美玲",
    refillNo: 2,
    window: { from: rd("1130328"), to: rd("1130406") },
    state: "due",
  },
  {
    originalVisitId: RX3,
    nationalId: "C112345670",
    patientName: "林志明",
    refillNo: 3,
    window: { from: rd("1130418"), to: rd("1130427") },
    state: "upcoming",
  },
];

/** The month as the service would answer; `withDispensingsQuery` adds the reports' optional range query. */
export function smallMonthService(withDispensingsQuery = false): FakeService {
  return new FakeService(
    { prescriptions, dispensings: [...dispensings], events, due, outbox },
    { rangeQueries: withDispensingsQuery },
  );
}

/** The small month's refill log (FROM–TO), as a report built at NOW would hold it. */
export function smallMonthRefillLog(mask?: PatientMask): Promise<RefillLogData> {
  return buildRefillLogData(smallMonthService(), {
    from: FROM,
    to: TO,
    pharmacy: PHARMACY,
    now: NOW,
    ...(mask ? { mask } : {}),
  });
}
