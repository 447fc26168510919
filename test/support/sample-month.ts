/**
 * A deterministic generated month for the one fake service (fake-service.ts), for report tests: a month of a pharmacy's chronic refills with every kind of event the log must show (duplicates stopped,
 * C/E, deletes, J000, overrides with awkward reasons, rejected and late uploads).
 */
import { msg } from "../../src/domain/message.js";
import { nationalIdCheckDigit } from "../../src/domain/national-id.js";
import { refillWindow } from "../../src/domain/refill-rules.js";
import { addDays, dateFromRocDateTime, type RocDate, type RocDateTime } from "../../src/domain/roc-date.js";
import { VISIT_ID_ALPHABET } from "../../src/domain/visit-id.js";
import type { PharmacyInfo } from "../../src/reports/model.js";
import type {
  DispensingView,
  OutboxEntryView,
  PrescriptionView,
  RefillDue,
  RefillEventView,
  RefillView,
} from "../../src/service/types.js";
import { FakeService } from "./fake-service.js";

export const SAMPLE_PHARMACY: PharmacyInfo = {
  name: "安心健保藥局",
  pharmacyCode: "5901010010",
  phone: "02-2345-6789",
  address: "臺北市中正區重慶南路一段 100 號",
};

const SURNAMES = [..."陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐"];
const GIVEN = [..."淑芬美玲志明家豪怡君俊傑雅婷建宏惠雯宗翰秀英金龍麗華文雄"];
const PRESCRIBERS = [
  ["3501200000", "健保示範診所"],
  ["3502060427", "仁愛家庭醫學科診所"],
  ["1101110026", "臺大醫院"],
  ["3101020011", "中興內科診所"],
] as const;
const PHARMACISTS = ["F223456781", "B120000005"];

/** A small seeded PRNG (mulberry32) so the same seed always gives the same month. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  /** Number of our dispensings in the month. */
  dispensings: number;
  /** First day of the month (ROC). */
  from: RocDate;
  days?: number;
  seed?: number;
  /** When the report is made (decides late / pending uploads). */
  now?: Date;
}

function iso(at: RocDateTime): string {
  return dateFromRocDateTime(at).toISOString();
}

/** A generated month served by the one fake service (its `data` holds what was made). */
export function createSampleService(options: SampleOptions): FakeService {
  const rand = prng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const days = options.days ?? 30;
  const from = options.from;
  const now = options.now ?? new Date(dateFromRocDateTime(`${addDays(from, days)}120000` as RocDateTime).getTime());
  const visitId = () => Array.from({ length: 20 }, () => pick([...VISIT_ID_ALPHABET])).join("");
  const nationalId = () => {
    const first9 = `${pick([..."ABCDEFGHJKLMNPQRSTUVXYWZIO"])}${rand() < 0.5 ? 1 : 2}${String(Math.floor(rand() * 1e7)).padStart(7, "0")}`;
    return `${first9}${nationalIdCheckDigit(first9)}`;
  };
  const prescriptions: PrescriptionView[] = [];
  const dispensings: DispensingView[] = [];
  const events: RefillEventView[] = [];
  const outbox: OutboxEntryView[] = [];
  const due: RefillDue[] = [];
  let eventNo = 0;
  const event = (e: Omit<RefillEventView, "id">) => events.push({ id: `ev${++eventNo}`, ...e });

  for (let i = 0; i < options.dispensings; i++) {
    const day = addDays(from, Math.floor((i / options.dispensings) * days));
    const hh = 8 + Math.floor(rand() * 13);
    const mm = Math.floor(rand() * 60);
    const at =
      `${day}${String(hh).padStart(2, "0")}${String(mm).padStart(2, "0")}${String(Math.floor(rand() * 60)).padStart(2, "0")}` as RocDateTime;
    const refillCount = rand() < 0.8 ? 3 : 2;
    const refillNo = 1 + Math.floor(rand() * refillCount);
    const perRefill = 28;
    const [prescriber, prescriberName] = pick(PRESCRIBERS);
    const m16 = visitId();
    const nid = nationalId();
    const name = `${pick(SURNAMES)}${pick(GIVEN)}${pick(GIVEN)}`;
    const pharmacist = pick(PHARMACISTS);
    const visitDate = addDays(day, -(refillNo - 1) * perRefill - 3);
    // Refill m is (or, for later ones, would be) dispensed every perRefill days: earlier ones from the visit on,
    // this one at `at`, later ones on time after it. Windows come from the domain's own rule.
    const dispensedOn = (m: number): RocDate =>
      m < refillNo
        ? addDays(visitDate, (m - 1) * perRefill)
        : addDays(at.slice(0, 7) as RocDate, (m - refillNo) * perRefill);
    const refills: RefillView[] = [];
    for (let n = 1; n <= refillCount; n++) {
      const window = n > 1 ? refillWindow(dispensedOn(n - 1), perRefill) : undefined;
      if (n < refillNo) {
        const elsewhere = rand() < 0.3;
        refills.push({
          refillNo: n,
          state: "dispensed",
          dispensedBy: elsewhere ? "5903010022" : SAMPLE_PHARMACY.pharmacyCode,
          dispensedHere: !elsewhere,
          dispensedAt: `${dispensedOn(n)}100000` as RocDateTime,
          days: perRefill,
          window,
        });
      } else if (n === refillNo) {
        refills.push({
          refillNo: n,
          state: "dispensed",
          dispensedBy: SAMPLE_PHARMACY.pharmacyCode,
          dispensedHere: true,
          dispensedAt: at,
          pharmacistId: pharmacist,
          days: perRefill,
          window,
        });
      } else {
        refills.push({
          refillNo: n,
          state: "undispensed",
          window,
        });
      }
    }
    prescriptions.push({
      originalVisitId: m16,
      prescriberInstitutionCode: prescriber,
      prescriberName,
      originalSequenceNumber:
        refillNo > 1 && rand() < 0.1 ? "J000" : String(1 + Math.floor(rand() * 900)).padStart(4, "0"),
      originalVisitDateTime: `${visitDate}093000` as RocDateTime,
      nationalId: nid,
      patientName: name,
      chronic: true,
      refillCount,
      daysPerRefill: perRefill,
      totalDays: perRefill * refillCount,
      orders: [],
      refills,
    });
    const id = `d${i + 1}`;
    const roll = rand();
    const rejected = roll < 0.02;
    const late = roll >= 0.02 && roll < 0.06;
    const pending = roll >= 0.06 && roll < 0.08 && i > options.dispensings - 40;
    const m15 = visitId();
    const d: DispensingView = {
      id,
      visitId: m15,
      originalVisitId: m16,
      refillNo,
      visitDateTime: at,
      pharmacistId: pharmacist,
      nationalId: nid,
      days: perRefill,
      status: "active",
      j000: false,
      upload: {
        state: rejected ? "rejected" : pending ? "pending" : "accepted",
        codes: rejected
          ? [{ field: "M33", code: "D022", message: msg("次別順序或範圍錯誤", "Refill order or range wrong") }]
          : [],
      },
    };
    const atDate = dateFromRocDateTime(at);
    const deadline = new Date(atDate.getTime() + 86_400_000);
    outbox.push({
      id: `o${i + 1}`,
      dispensingId: id,
      visitId: m15,
      dataFormat: "A",
      state: d.upload.state,
      attempts: pending ? 0 : 1,
      createdAt: atDate.toISOString(),
      deadline: deadline.toISOString(),
      uploadedAt: pending ? undefined : new Date(atDate.getTime() + (late ? 30 * 3_600_000 : 5 * 60_000)).toISOString(),
      rejections: [],
      warnings: [],
    });
    const common = { originalVisitId: m16, refillNo, nationalId: nid, prescriberInstitutionCode: prescriber };
    // A duplicate attempt that was stopped before this dispensing (same refill already dispensed elsewhere).
    if (rand() < 0.04) {
      event({
        ...common,
        at: iso(`${day}080500` as RocDateTime),
        type: "blocked",
        institutionCode: SAMPLE_PHARMACY.pharmacyCode,
        pharmacistId: pharmacist,
        reason: "dispensed-elsewhere",
        nhiCodes: ["D025"],
        message: msg(
          `第${refillNo}次已於 5903010022 調劑，不可重複調劑`,
          `Refill ${refillNo} was already dispensed at 5903010022`,
        ),
      });
    }
    if (rand() < 0.03) {
      event({
        ...common,
        at: iso(`${day}080600` as RocDateTime),
        type: "blocked",
        institutionCode: SAMPLE_PHARMACY.pharmacyCode,
        pharmacistId: pharmacist,
        reason: "before-window",
        nhiCodes: ["D022"],
        message: msg(
          "尚未到可領藥期間（前次藥品用完前10日內才可領）",
          "Too early: refills open 10 days before the previous supply runs out",
        ),
      });
    }
    const override = rand() < 0.02;
    const j000 = refillNo > 1 && rand() < 0.03;
    if (j000) {
      d.j000 = true;
      event({
        ...common,
        at: iso(at),
        type: "j000",
        institutionCode: SAMPLE_PHARMACY.pharmacyCode,
        pharmacistId: pharmacist,
        reason: "原處方診所已歇業，雲端藥歷查無就醫序號，電話聯繫未果",
        message: msg("原處方就醫序號以 J000 申報", "Prescriber's sequence number reported as J000"),
      });
    }
    if (override) {
      d.override = { reason: '健保署連線中斷, 病人"急需"用藥\n已電話確認' };
      event({
        ...common,
        at: iso(at),
        type: "override",
        institutionCode: SAMPLE_PHARMACY.pharmacyCode,
        pharmacistId: pharmacist,
        reason: d.override.reason,
        message: msg("無法連線健保署，藥師確認後放行", "NHI unreachable; dispensed on the pharmacist's judgement"),
      });
    }
    event({
      ...common,
      at: iso(at),
      type: "dispensed",
      institutionCode: SAMPLE_PHARMACY.pharmacyCode,
      pharmacistId: pharmacist,
      message: msg(`第${refillNo}次調劑 ${perRefill} 日`, `Refill ${refillNo} dispensed, ${perRefill} days`),
    });
    if (rand() < 0.01) {
      event({
        ...common,
        at: iso(`${day}235000` as RocDateTime),
        type: "deleted",
        institutionCode: SAMPLE_PHARMACY.pharmacyCode,
        pharmacistId: pharmacist,
        reason: "病人未取藥，整筆刪除",
        message: msg("整筆刪除（D）", "Whole record deleted (D)"),
      });
      d.status = "deleted";
    }
    if (refillNo < refillCount && rand() < 0.01) {
      event({
        ...common,
        refillNo: refillNo + 1,
        at: iso(`${day}150000` as RocDateTime),
        type: "cancelled",
        institutionCode: prescriber,
        message: msg(`原處方院所註銷第${refillNo + 1}次`, `Prescriber cancelled refill ${refillNo + 1}`),
      });
      if (rand() < 0.5)
        event({
          ...common,
          refillNo: refillNo + 1,
          at: iso(`${day}160000` as RocDateTime),
          type: "restored",
          institutionCode: prescriber,
          message: msg(`原處方院所取消註銷第${refillNo + 1}次`, `Prescriber restored refill ${refillNo + 1}`),
        });
    }
    dispensings.push(d);
    const next = refills.find((r) => r.refillNo === refillNo + 1);
    if (next?.window && next.window.from <= addDays(from, days - 1)) {
      const missed = next.window.to < addDays(from, days - 1) && rand() < 0.5;
      due.push({
        originalVisitId: m16,
        nationalId: nid,
        patientName: name,
        refillNo: next.refillNo,
        window: next.window,
        state: missed ? "missed" : "due",
      });
    }
  }
  void now;
  return new FakeService({ prescriptions, dispensings, events, due, outbox });
}

/** The clock the sample's month is reported at (noon on the day after the month). */
export function sampleNow(from: RocDate, days = 30): Date {
  return dateFromRocDateTime(`${addDays(from, days)}120000` as RocDateTime);
}
