/**
 * A small in-memory `DispensingServiceApi` for the API's isolated middleware tests (auth, limits, problems).
 * The flow tests run against the real service (`createRxdesk`: SQLite file + in-process NHI sandbox).
 */
import { msg } from "../../domain/message.js";
import type { RocDateTime } from "../../domain/roc-date.js";
import type {
  Decision,
  DispensingServiceApi,
  DispensingView,
  OutboxEntryView,
  PrescriptionView,
} from "../../service/types.js";

export const FAKE_VISIT_ID = "1BYFWZQ21QQXY3B54X0L";
export const FAKE_PATIENT = "A123456789";

export function createFakeService(): DispensingServiceApi & { dispensings: DispensingView[] } {
  const dispensings: DispensingView[] = [];
  const prescription = (): PrescriptionView => ({
    originalVisitId: FAKE_VISIT_ID,
    prescriberInstitutionCode: "3501200000",
    originalVisitDateTime: "1130320133912" as RocDateTime,
    nationalId: FAKE_PATIENT,
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    orders: [],
    refills: [1, 2, 3].map((refillNo) => {
      const done = dispensings.find((d) => d.refillNo === refillNo && d.status === "active");
      return done
        ? { refillNo, state: "dispensed" as const, dispensedHere: true, pharmacistId: done.pharmacistId }
        : { refillNo, state: "undispensed" as const };
    }),
  });
  const check = async (visitIdInput: string): Promise<Decision> => {
    const next = prescription().refills.find((r) => r.state === "undispensed");
    const known = visitIdInput.replace(/\s/g, "").toUpperCase() === FAKE_VISIT_ID;
    return {
      input: visitIdInput,
      corrections: [],
      outcome: known && next ? "dispense" : "block",
      ...(known ? { originalVisitId: FAKE_VISIT_ID, prescription: prescription() } : {}),
      ...(next ? { refillNo: next.refillNo } : {}),
      reasons: known
        ? []
        : [{ code: "not-uploaded", severity: "block", nhiCode: "D024", message: msg("查無處方", "Not uploaded") }],
      headline: known ? msg("可調劑", "May dispense") : msg("不可調劑", "Do not dispense"),
      nhiReachable: true,
      checkedAt: new Date().toISOString(),
    };
  };
  const outbox: OutboxEntryView[] = [];
  return {
    dispensings,
    check: ({ visitIdInput }) => check(visitIdInput),
    async dispense(request) {
      const decision = await check(request.visitIdInput);
      if (decision.outcome !== "dispense" || decision.refillNo !== request.refillNo) {
        return {
          ok: false,
          kind: "conflict",
          decision,
          reasons: [
            {
              code: "dispensed-here",
              severity: "block",
              nhiCode: "D025",
              message: msg("此次已調劑", "Already dispensed"),
            },
          ],
        };
      }
      const view: DispensingView = {
        id: `d${dispensings.length + 1}`,
        visitId: "OUSE4FA11RP4J370WR4K",
        originalVisitId: FAKE_VISIT_ID,
        refillNo: request.refillNo,
        visitDateTime: "1130420100000" as RocDateTime,
        pharmacistId: request.pharmacistId,
        nationalId: FAKE_PATIENT,
        days: request.days ?? 28,
        status: "active",
        j000: false,
        upload: { state: "pending", codes: [] },
      };
      dispensings.push(view);
      return { ok: true, dispensing: view };
    },
    async deleteDispensing(request) {
      const found = dispensings.find((d) => d.id === request.dispensingId);
      if (!found) return { ok: false, kind: "not-found", reasons: [] };
      found.status = "deleted";
      return { ok: true, dispensing: found };
    },
    async correctDispensing(request) {
      const found = dispensings.find((d) => d.id === request.dispensingId);
      if (!found) return { ok: false, kind: "not-found", reasons: [] };
      if (request.days) found.days = request.days;
      return { ok: true, dispensing: found };
    },
    getDispensing: async (id) => dispensings.find((d) => d.id === id),
    recentDispensings: async (limit) => dispensings.slice(-limit).reverse(),
    patientPrescriptions: async (nationalId) => (nationalId === FAKE_PATIENT ? [prescription()] : []),
    prescription: async (id) => (id === FAKE_VISIT_ID ? prescription() : undefined),
    refillsDue: async () => [],
    refillLog: async () => [],
    outboxStatus: async () => ({ waiting: 0, rejected: 0, accepted: 0 }),
    outboxEntries: async () => outbox,
    runOutbox: async () => ({ uploaded: 0, accepted: 0, rejected: 0, failed: 0 }),
    retryOutboxEntry: async () => false,
    health: async () => ({ database: true, nhiReachable: true, outbox: { waiting: 0, rejected: 0, accepted: 0 } }),
    close: async () => {},
  };
}
