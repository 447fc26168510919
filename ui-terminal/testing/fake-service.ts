/**
 * A small in-memory stand-in for the dispensing service, for component tests only: canned prescriptions and
 * decisions, every call recorded. The end-to-end test (ui-terminal/e2e.test.ts) runs the real service.
 */
import { msg } from "../../src/domain/message.js";
import type { RocDate, RocDateTime } from "../../src/domain/roc-date.js";
import { parseVisitId } from "../../src/domain/visit-id.js";
import type {
  CardIdentity,
  Decision,
  DispensingServiceApi,
  DispensingView,
  OutboxEntryView,
  PrescriptionView,
  RefillDue,
  RefillEventView,
  ServiceHealth,
} from "../../src/service/types.js";

export const RX_OK = "1BYFWZQ21QQXY3B54X0L";
export const RX_DONE_ELSEWHERE = "0USE4FA11RP4J370WR4K";
export const RX_OFFLINE = "2222333344445555666R";

const d = (s: string) => s as RocDate;
const dt = (s: string) => s as RocDateTime;

export function prescription(id: string, nationalId = "A123456789"): PrescriptionView {
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
      { refillNo: 2, state: "undispensed", window: { from: d("1130407"), to: d("1130416") } },
      { refillNo: 3, state: "undispensed" },
    ],
  };
}

export class FakeService implements DispensingServiceApi {
  calls: { method: string; args: unknown }[] = [];
  nhiReachable = true;
  dispensings: DispensingView[] = [];
  outbox: OutboxEntryView[] = [
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
  ];
  due: RefillDue[] = [
    {
      originalVisitId: RX_OK,
      nationalId: "A123456789",
      patientName: "王小明",
      refillNo: 2,
      window: { from: d("1130407"), to: d("1130416") },
      state: "due",
    },
    {
      originalVisitId: "3333444455556666777Z",
      nationalId: "B123456780",
      patientName: "林美麗",
      refillNo: 3,
      window: { from: d("1130301"), to: d("1130310") },
      state: "missed",
    },
  ];
  log: RefillEventView[] = [
    {
      id: "e1",
      at: "2024-03-21T02:00:00Z",
      type: "dispensed",
      originalVisitId: RX_OK,
      refillNo: 1,
      nationalId: "A123456789",
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
  ];
  slowCheck?: Promise<void>;
  /** Chronic refills wait for identity evidence (card-needed), as the real service decides. */
  requireCard = false;
  /** The next dispense is refused with this reason (as the service does at dispense time). */
  refuseNext?: { code: "no-card-chronic"; message: { zh: string; en: string } };

  async check(input: { visitIdInput: string; card?: CardIdentity }): Promise<Decision> {
    this.calls.push({ method: "check", args: input });
    await this.slowCheck;
    const parsed = parseVisitId(input.visitIdInput);
    const id = parsed.valid ? parsed.visitId : input.visitIdInput;
    const corrections = parsed.valid ? parsed.corrections : [];
    const base = {
      input: input.visitIdInput,
      originalVisitId: id,
      corrections,
      nhiReachable: this.nhiReachable,
      checkedAt: "2024-04-10T02:00:00Z",
      token: `token-${input.card?.source ?? "none"}-${input.card?.nationalId ?? ""}`,
      ...(input.card ? { evidence: { source: input.card.source, nationalId: input.card.nationalId } } : {}),
    };
    const p = prescription(id);
    const mismatch =
      input.card && input.card.nationalId !== p.nationalId
        ? [
            {
              code: "person-mismatch" as const,
              severity: "block" as const,
              message: msg("健保卡與處方箋的身分證號不同", "the card's national ID differs from the prescription's"),
            },
          ]
        : [];
    if (id === RX_DONE_ELSEWHERE) {
      return {
        ...base,
        outcome: "block",
        refillNo: 2,
        prescription: p,
        reasons: [
          {
            code: "dispensed-elsewhere",
            severity: "block",
            nhiCode: "D025",
            message: msg("第2次已於 5901000001 調劑", "refill 2 was dispensed at 5901000001"),
          },
        ],
        headline: msg("不可調劑", "Do not dispense"),
      };
    }
    if (!this.nhiReachable || id === RX_OFFLINE) {
      return {
        ...base,
        nhiReachable: false,
        outcome: "override",
        refillNo: 2,
        prescription: p,
        window: { from: d("1130407"), to: d("1130416") },
        reasons: [
          {
            code: "nhi-unreachable",
            severity: "override",
            message: msg("健保署無法連線，需藥師覆核", "NHI unreachable: pharmacist override needed"),
          },
        ],
        headline: msg("需覆核", "Override needed"),
      };
    }
    if (this.requireCard && !input.card && mismatch.length === 0) {
      return {
        ...base,
        outcome: "card-needed",
        missingEvidence: "patient-card",
        refillNo: 2,
        prescription: p,
        window: { from: d("1130407"), to: d("1130416") },
        reasons: [
          {
            code: "no-card-chronic",
            severity: "warning",
            nhiCode: "D059",
            message: msg("慢箋須過健保卡：請插入健保卡", "A chronic refill needs the card: insert it"),
          },
        ],
        headline: msg("需健保卡", "Card needed"),
      };
    }
    return {
      ...base,
      outcome: mismatch.length > 0 ? "block" : "dispense",
      refillNo: 2,
      prescription: p,
      window: { from: d("1130407"), to: d("1130416") },
      reasons: mismatch,
      headline: mismatch.length > 0 ? msg("不可調劑", "Do not dispense") : msg("可調劑", "OK to dispense"),
    };
  }

  async dispense(request: Parameters<DispensingServiceApi["dispense"]>[0]) {
    this.calls.push({ method: "dispense", args: request });
    if (this.refuseNext) {
      const reason = { ...this.refuseNext, severity: "block" as const, nhiCode: "D059" };
      this.refuseNext = undefined;
      return { ok: false as const, kind: "invalid" as const, reasons: [reason] };
    }
    const view: DispensingView = {
      id: `disp${this.dispensings.length + 1}`,
      visitId: "QQQQ2222WWWW3333EEEE",
      originalVisitId: parseVisitId(request.visitIdInput).valid ? RX_OK : request.visitIdInput,
      refillNo: request.refillNo,
      visitDateTime: dt("1130410101500"),
      pharmacistId: request.pharmacistId,
      nationalId: "A123456789",
      days: 28,
      status: "active",
      abnormalCode: request.override?.abnormalCode,
      j000: Boolean(request.j000Confirmation),
      override: request.override,
      upload: { state: "pending", codes: [] },
    };
    this.dispensings.unshift(view);
    return {
      ok: true as const,
      dispensing: view,
      nextRefill: { refillNo: 3, window: { from: d("1130505"), to: d("1130514") } },
    };
  }

  async deleteDispensing(request: Parameters<DispensingServiceApi["deleteDispensing"]>[0]) {
    this.calls.push({ method: "deleteDispensing", args: request });
    const found = this.dispensings.find((x) => x.id === request.dispensingId);
    if (!found) return { ok: false as const, kind: "not-found" as const, reasons: [] };
    found.status = "deleted";
    return { ok: true as const, dispensing: found };
  }

  async correctDispensing(request: Parameters<DispensingServiceApi["correctDispensing"]>[0]) {
    this.calls.push({ method: "correctDispensing", args: request });
    const found = this.dispensings.find((x) => x.id === request.dispensingId);
    if (!found) return { ok: false as const, kind: "not-found" as const, reasons: [] };
    if (request.days) found.days = request.days;
    return { ok: true as const, dispensing: found };
  }

  async getDispensing(id: string) {
    return this.dispensings.find((x) => x.id === id);
  }
  async recentDispensings(limit: number) {
    this.calls.push({ method: "recentDispensings", args: limit });
    return this.dispensings.slice(0, limit);
  }
  async patientPrescriptions() {
    return [prescription(RX_OK)];
  }
  async prescription(id: string) {
    return prescription(id);
  }
  async refillsDue(query: { from: RocDate; to: RocDate }) {
    this.calls.push({ method: "refillsDue", args: query });
    return this.due;
  }
  async refillLog(query: Parameters<DispensingServiceApi["refillLog"]>[0]) {
    this.calls.push({ method: "refillLog", args: query });
    return this.log.filter(
      (e) => (!query.types || query.types.includes(e.type)) && (!query.nationalId || e.nationalId === query.nationalId),
    );
  }
  async outboxStatus() {
    return { waiting: 2, rejected: 1, accepted: 5, oldestWaitingAgeMs: 3 * 3600_000 };
  }
  async outboxEntries(filter?: { state?: OutboxEntryView["state"] }) {
    return this.outbox.filter((e) => !filter?.state || e.state === filter.state);
  }
  async runOutbox() {
    this.calls.push({ method: "runOutbox", args: undefined });
    return { uploaded: 2, accepted: 2, rejected: 0, failed: 0 };
  }
  async retryOutboxEntry(id: string) {
    this.calls.push({ method: "retryOutboxEntry", args: id });
    return true;
  }
  async health(): Promise<ServiceHealth> {
    return { database: true, nhiReachable: this.nhiReachable, outbox: await this.outboxStatus() };
  }
  async close() {}

  callsOf(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
}
