/**
 * The counter's canned data for the fake service (fake-service.ts): one chronic prescription stands for every
 * scanned visit ID (refill 1 dispensed here, refill 2 due 113/04/07–113/04/16), two special IDs (dispensed
 * elsewhere, NHI unreachable), a rejected upload and one accepted with a warning, two refills due and two log
 * entries. The clock is 113/04/10.
 */
import { msg } from "../../src/domain/message.js";
import type { RocDate, RocDateTime } from "../../src/domain/roc-date.js";
import type { PrescriptionView } from "../../src/service/types.js";
import type { FakeData } from "./fake-service.js";

export const RX_OK = "1BYFWZQ21QQXY3B54X0L";
export const RX_DONE_ELSEWHERE = "0USE4FA11RP4J370WR4K";
export const RX_OFFLINE = "2222333344445555666R";
/** The patient of every canned prescription (王小明). */
export const PATIENT = "A123456789";

const d = (s: string) => s as RocDate;
const dt = (s: string) => s as RocDateTime;

/** The window of refill 2 in the canned prescription. */
export const WINDOW = { from: d("1130407"), to: d("1130416") };

export function prescription(id: string, nationalId = PATIENT): PrescriptionView {
  return {
    originalVisitId: id,
    prescriberInstitutionCode: "3501200000",
    prescriberName: "示範診所",
    originalSequenceNumber: "0012",
    originalVisitDateTime: dt("1130320133912"),
    nationalId,
    patientName: "王小明",
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    totalDays: 84,
    orders: [{ drugCode: "AC12345100", days: 28, totalQuantity: "56" }],
    refills: [
      { refillNo: 1, state: "dispensed", dispensedHere: true, days: 28 },
      { refillNo: 2, state: "undispensed", window: WINDOW },
      { refillNo: 3, state: "undispensed" },
    ],
  };
}

export function counterData(): FakeData {
  return {
    prescriptions: [prescription(RX_OK)],
    prescriptionFor: (id) => prescription(id),
    dispensings: [],
    outboxStatus: { waiting: 2, rejected: 1, accepted: 5, oldestWaitingAgeMs: 3 * 3600_000 },
    outbox: [
      {
        id: "ob1",
        dispensingId: "x1",
        visitId: "ABCD1234EFGH5678JKLM",
        dataFormat: "A",
        state: "rejected",
        attempts: 1,
        createdAt: "2024-03-21T02:00:00Z",
        deadline: "2024-03-22T02:00:00Z",
        rejections: [
          {
            field: "M33",
            code: "D025",
            message: msg("該次慢箋已於他院所調劑", "refill already executed elsewhere"),
            advice: msg("查明後刪除本筆", "check and delete this record"),
          },
        ],
        warnings: [],
      },
      {
        id: "ob2",
        dispensingId: "x2",
        visitId: "ABCD1234EFGH5678JKLN",
        dataFormat: "A",
        state: "accepted",
        attempts: 1,
        createdAt: "2024-03-21T01:00:00Z",
        deadline: "2024-03-22T01:00:00Z",
        uploadedAt: "2024-03-21T01:05:00Z",
        rejections: [],
        warnings: [
          {
            field: "M16",
            code: "D024",
            message: msg("原處方院所尚未上傳", "the prescriber has not uploaded the prescription"),
            advice: msg("請原處方院所上傳", "ask the prescriber to upload"),
          },
        ],
      },
    ],
    due: [
      { originalVisitId: RX_OK, nationalId: PATIENT, patientName: "王小明", refillNo: 2, window: WINDOW, state: "due" },
      {
        originalVisitId: "3333444455556666777Z",
        nationalId: "B123456780",
        patientName: "林美麗",
        refillNo: 3,
        window: { from: d("1130301"), to: d("1130310") },
        state: "missed",
      },
    ],
    events: [
      {
        id: "e1",
        at: "2024-03-21T02:00:00Z",
        type: "dispensed",
        originalVisitId: RX_OK,
        refillNo: 1,
        nationalId: PATIENT,
        prescriberInstitutionCode: "3501200000",
        message: msg("第1次調劑", "refill 1 dispensed"),
      },
      {
        id: "e2",
        at: "2024-03-21T03:00:00Z",
        type: "blocked",
        originalVisitId: RX_DONE_ELSEWHERE,
        refillNo: 2,
        nationalId: "C123456781",
        nhiCodes: ["D025"],
        message: msg("已於他院所調劑，擋下", "already dispensed elsewhere: blocked"),
      },
    ],
  };
}
