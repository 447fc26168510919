/**
 * The one in-memory stand-in for the dispensing service (`DispensingServiceApi`), for tests that need neither a
 * database nor NHI: the terminal UI's component tests, the API's middleware tests and the reports' builders and
 * renderers. It answers from one FakeData set — the counter's canned prescriptions (counter-data.ts, the default),
 * a hand-written month (small-month.ts) or a generated one (sample-month.ts) — and records every call. Flow and
 * end-to-end tests run the real service.
 */
import { msg } from "../../src/domain/message.js";
import { type RocDate, type RocDateTime, rocDateTimeFromDate } from "../../src/domain/roc-date.js";
import { parseVisitId } from "../../src/domain/visit-id.js";
import type {
  CardIdentity,
  Decision,
  DecisionReason,
  DispensingServiceApi,
  DispensingView,
  IncidentView,
  OutboxEntryView,
  OutboxStatus,
  PaperCheckResult,
  PrescriptionView,
  RefillDue,
  RefillEventView,
  RefillLogQuery,
  ServiceHealth,
} from "../../src/service/types.js";
import { counterData, PATIENT, RX_DONE_ELSEWHERE, RX_OFFLINE, RX_OK, WINDOW } from "./counter-data.js";

export interface FakeData {
  prescriptions: PrescriptionView[];
  /** The prescription any other visit ID stands for; without it an unknown ID is "not uploaded". */
  prescriptionFor?: (originalVisitId: string) => PrescriptionView;
  /** Our dispensings, newest first. */
  dispensings: DispensingView[];
  events: RefillEventView[];
  due: RefillDue[];
  outbox: OutboxEntryView[];
  /** What outboxStatus() answers; counted from `outbox` when absent. */
  outboxStatus?: OutboxStatus;
}

export interface FakeOptions {
  /** Also answer the reports' range queries (`dispensings(range)`), as the real service does. */
  rangeQueries?: boolean;
}

const inRange = (day: string, q: { from: RocDate; to: RocDate }) => day >= q.from && day <= q.to;

export class FakeService implements DispensingServiceApi {
  readonly data: FakeData;
  calls: { method: string; args: unknown }[] = [];
  nhiReachable = true;
  slowCheck?: Promise<void>;
  /** Chronic refills wait for identity evidence (card-needed), as the real service decides. */
  requireCard = false;
  /** The next dispense is refused with this reason (as the service does at dispense time). */
  refuseNext?: { code: "no-card-chronic"; message: { zh: string; en: string } };
  /** Our dispensings whose card write (M11) falls in the range: only with `rangeQueries`. */
  dispensings?: (range: { from: RocDate; to: RocDate }) => Promise<DispensingView[]>;

  constructor(data: FakeData = counterData(), options: FakeOptions = {}) {
    this.data = data;
    if (options.rangeQueries) {
      this.dispensings = async (q) => data.dispensings.filter((d) => inRange(d.visitDateTime.slice(0, 7), q));
    }
  }

  callsOf(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private find(originalVisitId: string): PrescriptionView | undefined {
    const held = this.data.prescriptions.find((p) => p.originalVisitId === originalVisitId);
    return held ?? this.data.prescriptionFor?.(originalVisitId);
  }

  async check(input: { visitIdInput: string; card?: CardIdentity }): Promise<Decision> {
    this.calls.push({ method: "check", args: input });
    await this.slowCheck;
    const parsed = parseVisitId(input.visitIdInput);
    const id = parsed.valid ? parsed.visitId : input.visitIdInput;
    const base = {
      input: input.visitIdInput,
      originalVisitId: id,
      corrections: parsed.valid ? parsed.corrections : [],
      nhiReachable: this.nhiReachable,
      checkedAt: "2024-04-10T02:00:00Z",
      token: `token-${input.card?.source ?? "none"}-${input.card?.nationalId ?? ""}`,
      ...(input.card ? { evidence: { source: input.card.source, nationalId: input.card.nationalId } } : {}),
    };
    const p = this.find(id);
    if (!p) {
      const reason: DecisionReason = {
        code: "not-uploaded",
        severity: "block",
        nhiCode: "D024",
        message: msg("查無處方", "Not uploaded"),
      };
      return { ...base, outcome: "block", reasons: [reason], headline: msg("不可調劑", "Do not dispense") };
    }
    const withP = { ...base, refillNo: 2, prescription: p };
    const mismatch: DecisionReason[] =
      input.card && input.card.nationalId !== p.nationalId
        ? [
            {
              code: "person-mismatch",
              severity: "block",
              message: msg("健保卡與處方箋的身分證號不同", "the card's national ID differs from the prescription's"),
            },
          ]
        : [];
    if (id === RX_DONE_ELSEWHERE) {
      const reason: DecisionReason = {
        code: "dispensed-elsewhere",
        severity: "block",
        nhiCode: "D025",
        message: msg("第2次已於 5901000001 調劑", "refill 2 was dispensed at 5901000001"),
      };
      return { ...withP, outcome: "block", reasons: [reason], headline: msg("不可調劑", "Do not dispense") };
    }
    if (!this.nhiReachable || id === RX_OFFLINE) {
      const reason: DecisionReason = {
        code: "nhi-unreachable",
        severity: "override",
        message: msg("健保署無法連線，需藥師覆核", "NHI unreachable: pharmacist override needed"),
      };
      return {
        ...withP,
        nhiReachable: false,
        outcome: "override",
        window: WINDOW,
        reasons: [reason],
        headline: msg("需覆核", "Override needed"),
      };
    }
    if (this.requireCard && !input.card && mismatch.length === 0) {
      const reason: DecisionReason = {
        code: "no-card-chronic",
        severity: "warning",
        nhiCode: "D059",
        message: msg("慢箋須過健保卡：請插入健保卡", "A chronic refill needs the card: insert it"),
      };
      return {
        ...withP,
        outcome: "card-needed",
        missingEvidence: "patient-card",
        window: WINDOW,
        reasons: [reason],
        headline: msg("需健保卡", "Card needed"),
      };
    }
    const blocked = mismatch.length > 0;
    return {
      ...withP,
      outcome: blocked ? "block" : "dispense",
      window: WINDOW,
      reasons: mismatch,
      headline: blocked ? msg("不可調劑", "Do not dispense") : msg("可調劑", "OK to dispense"),
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
      id: `disp${this.data.dispensings.length + 1}`,
      visitId: "QQQQ2222WWWW3333EEEE",
      originalVisitId: parseVisitId(request.visitIdInput).valid ? RX_OK : request.visitIdInput,
      refillNo: request.refillNo,
      visitDateTime: "1130410101500" as RocDateTime,
      pharmacistId: request.pharmacistId,
      nationalId: PATIENT,
      days: request.days ?? 28,
      status: "active",
      abnormalCode: request.override?.abnormalCode,
      j000: Boolean(request.j000Confirmation),
      override: request.override,
      upload: { state: "pending", codes: [] },
    };
    this.data.dispensings.unshift(view);
    return {
      ok: true as const,
      dispensing: view,
      nextRefill: { refillNo: 3, window: { from: "1130505" as RocDate, to: "1130514" as RocDate } },
    };
  }

  /** Paper entries: a prescriber code that is not 10 characters is refused as a field error, like the service. */
  async checkPaper(request: Parameters<DispensingServiceApi["checkPaper"]>[0]): Promise<PaperCheckResult> {
    this.calls.push({ method: "checkPaper", args: request });
    if (request.paper.prescriberInstitutionCode.length !== 10) {
      const message = msg("紙本處方欄位「M17」不正確", 'Paper prescription field "M17" is wrong');
      const reason: DecisionReason = { code: "paper-field-invalid", severity: "block", field: "M17", message };
      return { ok: false, kind: "invalid", reasons: [reason] };
    }
    const warning: DecisionReason = {
      code: "paper-entered",
      severity: "warning",
      message: msg("依紙本輸入處方", "Entered from the paper"),
    };
    return {
      ok: true,
      cause: this.nhiReachable ? "not-uploaded" : "nhi-unreachable",
      outcome: this.nhiReachable ? "dispense" : "override",
      refillNo: request.paper.refillNo,
      prescription: this.find(RX_OK) ?? this.data.prescriptions[0]!,
      reasons: [warning],
    };
  }

  async dispensePaper(request: Parameters<DispensingServiceApi["dispensePaper"]>[0]) {
    this.calls.push({ method: "dispensePaper", args: request });
    const checked = await this.checkPaper(request);
    if (!checked.ok) return checked;
    const view: DispensingView = {
      id: `disp${this.data.dispensings.length + 1}`,
      visitId: "QQQQ2222WWWW3333EEEE",
      originalVisitId: request.paper.originalVisitId,
      refillNo: request.paper.refillNo,
      visitDateTime: "1130410101500" as RocDateTime,
      pharmacistId: request.pharmacistId,
      nationalId: request.card.nationalId,
      days: request.days ?? request.paper.daysPerRefill,
      status: "active",
      j000: false,
      paperEntry: checked.cause,
      verification: "unverified",
      ...(request.override
        ? { abnormalCode: request.override.abnormalCode ?? "A020", override: { reason: request.override.reason } }
        : {}),
      upload: { state: "pending", codes: [] },
    };
    this.data.dispensings.unshift(view);
    return { ok: true as const, dispensing: view };
  }

  /** Incidents the re-checks "found" (tests put them here). */
  incidentList: IncidentView[] = [];

  async incidents(query?: Parameters<DispensingServiceApi["incidents"]>[0]) {
    this.calls.push({ method: "incidents", args: query });
    const state = query?.state ?? "open";
    return this.incidentList.filter((i) => state === "all" || (state === "open") === !i.acknowledged);
  }

  async acknowledgeIncident(request: Parameters<DispensingServiceApi["acknowledgeIncident"]>[0]) {
    this.calls.push({ method: "acknowledgeIncident", args: request });
    const found = this.incidentList.find((i) => i.id === request.incidentId);
    if (!found) return { ok: false as const, kind: "not-found" as const, reasons: [] };
    found.acknowledged = { pharmacistId: request.pharmacistId, at: "2024-04-10T02:00:00Z", note: request.note };
    return { ok: true as const, incident: found };
  }

  async deleteDispensing(request: Parameters<DispensingServiceApi["deleteDispensing"]>[0]) {
    this.calls.push({ method: "deleteDispensing", args: request });
    const found = this.data.dispensings.find((x) => x.id === request.dispensingId);
    if (!found) return { ok: false as const, kind: "not-found" as const, reasons: [] };
    found.status = "deleted";
    return { ok: true as const, dispensing: found };
  }

  async correctDispensing(request: Parameters<DispensingServiceApi["correctDispensing"]>[0]) {
    this.calls.push({ method: "correctDispensing", args: request });
    const found = this.data.dispensings.find((x) => x.id === request.dispensingId);
    if (!found) return { ok: false as const, kind: "not-found" as const, reasons: [] };
    if (request.days) found.days = request.days;
    return { ok: true as const, dispensing: found };
  }

  async getDispensing(id: string) {
    return this.data.dispensings.find((x) => x.id === id);
  }

  async recentDispensings(limit: number) {
    this.calls.push({ method: "recentDispensings", args: limit });
    return this.data.dispensings.slice(0, limit);
  }

  async patientPrescriptions(nationalId: string) {
    return this.data.prescriptions.filter((p) => p.nationalId === nationalId);
  }

  async prescription(id: string) {
    return this.find(id);
  }

  async refillsDue(query: { from: RocDate; to: RocDate }) {
    this.calls.push({ method: "refillsDue", args: query });
    return this.data.due.filter((d) => d.window.from <= query.to && d.window.to >= query.from);
  }

  async refillLog(query: RefillLogQuery) {
    this.calls.push({ method: "refillLog", args: query });
    return this.data.events.filter(
      (e) =>
        inRange(rocDateTimeFromDate(new Date(e.at)).slice(0, 7), query) &&
        (!query.types || query.types.includes(e.type)) &&
        (!query.nationalId || e.nationalId === query.nationalId),
    );
  }

  async outboxStatus(): Promise<OutboxStatus> {
    if (this.data.outboxStatus) return this.data.outboxStatus;
    const count = (...states: OutboxEntryView["state"][]) =>
      this.data.outbox.filter((e) => states.includes(e.state)).length;
    return {
      waiting: count("pending", "uploading", "uploaded"),
      rejected: count("rejected"),
      accepted: count("accepted"),
    };
  }

  async outboxEntries(filter?: { state?: OutboxEntryView["state"] }) {
    return this.data.outbox.filter((e) => !filter?.state || e.state === filter.state);
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
}
