/** F5's export writes the log as narrowed on screen, masked, into the data folder (real service, SQLite). */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { maskNationalId } from "../src/domain/national-id.js";
import { rocDateFromDate } from "../src/domain/roc-date.js";
import { pdfText } from "../test/support/pdf-tools.js";
import { createHarness, type Harness, PHARMACY } from "../test/support/service-harness.js";
import { exportRefillLogFile } from "./export-log.js";

let h: Harness | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("refill log export (F5 E/P)", () => {
  it("exports only the patient the screen is narrowed to, with national IDs masked", async () => {
    h = await createHarness("sqlite");
    dataDir = mkdtempSync(join(tmpdir(), "rxdesk-export-"));
    const { chronicFresh, oneOff } = h.scenarios.cases;
    expect((await h.dispenseHere(chronicFresh, 1)).ok).toBe(true);
    expect((await h.dispenseHere(oneOff, 1)).ok).toBe(true);
    const today = rocDateFromDate(h.now());
    const rx = { service: h.service, dispensing: h.service };
    const target = { dataDir, pharmacy: PHARMACY };

    const whole = await exportRefillLogFile(rx, target, { from: today, to: today }, "csv", "zh-TW");
    const all = readFileSync(whole.path, "utf8");
    expect(all).toContain(maskNationalId(chronicFresh.nationalId));
    expect(all).toContain(maskNationalId(oneOff.nationalId));

    const query = { from: today, to: today, nationalId: chronicFresh.nationalId, types: ["dispensed" as const] };
    const narrowed = await exportRefillLogFile(rx, target, query, "csv", "zh-TW");
    expect(narrowed.path).not.toBe(whole.path);
    expect(narrowed.path.startsWith(join(dataDir, "exports"))).toBe(true);
    const csv = readFileSync(narrowed.path, "utf8");
    expect(csv).toContain(maskNationalId(chronicFresh.nationalId));
    expect(csv).not.toContain(maskNationalId(oneOff.nationalId));
    for (const id of [chronicFresh.nationalId, oneOff.nationalId]) expect(csv).not.toContain(id);
    // The whole period's file is still there as it was.
    expect(readFileSync(whole.path, "utf8")).toBe(all);

    const pdf = await exportRefillLogFile(rx, target, query, "pdf", "en");
    const text = await pdfText(readFileSync(pdf.path), { layout: false });
    expect(text).toContain("Chronic refill log");
    expect(text).toContain(maskNationalId(chronicFresh.nationalId));
    expect(text).not.toContain(maskNationalId(oneOff.nationalId));
  });
});
