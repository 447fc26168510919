/**
 * The refill log's contract, checked against a real `rxdesk serve` process: the answer has exactly the shape the
 * served OpenAPI document states (no field it does not name), every event kind and reason code is one of the
 * document's enums, and the totals the PDF prints are in the JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refillLogResponseSchema } from "../../schemas/api/responses.js";
import { runTsx } from "../../test/support/process.js";
import { SERVE_ENTRY, type ServeProcess, startServe } from "../../test/support/serve.js";
import { addDays, rocDateFromDate } from "../domain/roc-date.js";
import { SCENARIO_PATIENTS } from "../nhi/sandbox/scenarios.js";
import type { ScenarioCase } from "../nhi/sandbox/types.js";
import type { RefillLogJson } from "../reports/refill-log-json.js";
import { createRxdesk } from "../service/bootstrap.js";

const PHARMACIST = "A123456789";

interface Doc {
  servers: { url: string }[];
  components: {
    schemas: Record<string, { enum?: string[]; properties?: Record<string, { items?: { enum?: string[] } }> }>;
  };
}

describe("refill log over rxdesk serve: the document and the answers agree", () => {
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-log-contract-"));
  let served: ServeProcess;
  let key: string;
  const today = rocDateFromDate(new Date());
  const range = `from=${addDays(today, -40)}&to=${today}`;

  beforeAll(async () => {
    // A month with our dispensings, a refusal, other pharmacies' dispensings and a J000, recorded through the service.
    const rx = await createRxdesk({ dataDir: dir, demo: true });
    try {
      const cases = rx.demo!.cases;
      const card = (c: ScenarioCase) => ({
        source: "ic-card" as const,
        nationalId: c.nationalId,
        name: c.patientName,
        birthDate: c.birthDate,
        cardNumber: SCENARIO_PATIENTS.find((p) => p.nationalId === c.nationalId)?.cardNumber,
      });
      const dispense = (c: ScenarioCase) =>
        rx.service.dispense({
          visitIdInput: c.originalVisitId,
          refillNo: c.nextRefillNo,
          pharmacistId: PHARMACIST,
          card: card(c),
          j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
        });
      expect((await dispense(cases.chronicFresh)).ok).toBe(true);
      expect((await dispense(cases.j000ClinicClosed)).ok).toBe(true);
      await rx.service.check({
        visitIdInput: cases.dispensedElsewhere.originalVisitId,
        card: card(cases.dispensedElsewhere),
      });
      // Refill 2 right after refill 1: refused at the counter (not due yet).
      await rx.service.check({ visitIdInput: cases.chronicFresh.originalVisitId, card: card(cases.chronicFresh) });
    } finally {
      await rx.close();
    }
    const created = await runTsx([
      SERVE_ENTRY,
      "keys",
      "create",
      "--role",
      "owner",
      "--terminal",
      "office",
      "--data-dir",
      dir,
    ]);
    key = created.out.trim();
    served = await startServe(["--data-dir", dir, "--no-card", "--outbox-interval", "0"]);
  }, 60_000);
  afterAll(async () => {
    if (served) expect(await served.stop(), served.stderr()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${served.url}${path}`, { headers: { Authorization: `Bearer ${key}`, ...headers } });

  it("answers exactly the documented shape, with kinds and reason codes from the document's enums", async () => {
    const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as Doc;
    expect(doc.servers).toEqual([{ url: served.url }]);
    const res = await get(`/api/reports/refill-log?${range}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as RefillLogJson;
    // The schema the document is generated from drops any field it does not name: nothing may be dropped.
    expect(refillLogResponseSchema.parse(body)).toEqual(body);

    const schemas = doc.components.schemas;
    const kinds = new Set(schemas.RefillLogEventKind!.enum);
    const reasonCodes = new Set(schemas.RefillLogEvent!.properties!.reasonCodes!.items!.enum);
    const events = body.events;
    for (const kind of ["dispensed", "j000", "blocked"]) expect(events.map((e) => e.kind)).toContain(kind);
    for (const e of events) {
      expect(kinds.has(e.kind), e.kind).toBe(true);
      for (const code of e.reasonCodes) expect(reasonCodes.has(code), code).toBe(true);
    }
    const refusals = events.filter((e) => e.kind === "blocked").map((e) => e.reasonCodes);
    // The next refills are not due yet (pharmacy X has dispensed refills 1 and 2 of the other prescription).
    expect(refusals).toEqual([["before-window"], ["before-window"]]);
    // Other pharmacies' dispensings carry their name and code as fields.
    const elsewhere = events.filter(
      (e) => e.kind === "dispensed" && e.institutionCode !== events.find((x) => x.kind === "j000")?.institutionCode,
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const e of elsewhere) expect(e.institutionName).toBe("X藥局（他院）");
    // The checks named no pharmacist: their refusals count under an empty ID.
    expect(body.totals.byPharmacist).toEqual([
      { pharmacistId: "", dispensings: 0, overrides: 0, j000: 0, deletions: 0, corrections: 0, refusals: 2 },
      { pharmacistId: "A12****789", dispensings: 2, overrides: 0, j000: 1, deletions: 0, corrections: 0, refusals: 0 },
    ]);
    // Masked by default: no national ID in clear anywhere in the answer.
    expect(JSON.stringify(body)).not.toMatch(/[A-Z][12]\d{8}/);
  });

  it("refuses a type outside the documented list, and honours Accept for CSV", async () => {
    const bad = await get(`/api/reports/refill-log?${range}&types=dispensed,shipped`);
    expect(bad.status).toBe(400);
    const csv = await get(`/api/reports/refill-log?${range}&types=dispensed, j000`, { Accept: "text/csv" });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain("total-pharmacist");
  });
});
