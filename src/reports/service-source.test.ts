/** The reports against the real dispensing service (SQLite file + in-process NHI sandbox). */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { pdfText } from "../../test/support/pdf-tools.js";
import { createHarness, type Harness, PHARMACIST, PHARMACY } from "../../test/support/service-harness.js";
import { formatRocDate, rocDateFromDate } from "../domain/roc-date.js";
import { formatVisitIdGrouped } from "../domain/visit-id.js";
import { registerReportCommands } from "./cli.js";
import { parseCsv } from "./csv.js";
import { renderRefillLogCsv } from "./refill-log-csv.js";
import { buildRefillLogData } from "./refill-log-data.js";
import { renderRefillLogPdf } from "./refill-log-pdf.js";
import { reportSourceFor } from "./service-source.js";
import { buildSlipData } from "./slip-data.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("reports over the real dispensing service", () => {
  it("log a counter day: a dispensing, two duplicates stopped, the upload inside 24 h, and the patient's slip", async () => {
    h = await createHarness("sqlite");
    const fresh = h.scenarios.cases.chronicFresh;
    const r1 = await h.service.dispense({
      visitIdInput: fresh.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: h.card(fresh),
    });
    expect(r1.ok).toBe(true);
    if (!r1.ok) return;
    h.advance(10 * 60_000);
    expect(await h.service.runOutbox()).toMatchObject({ accepted: 1 });
    // The same paper again, and a paper another pharmacy already filled.
    const again = await h.service.dispense({
      visitIdInput: fresh.originalVisitId,
      refillNo: 1,
      pharmacistId: PHARMACIST,
      card: h.card(fresh),
    });
    expect(again.ok).toBe(false);
    const elsewhere = h.scenarios.cases.dispensedElsewhere;
    const dup = await h.service.dispense({
      visitIdInput: elsewhere.originalVisitId,
      refillNo: elsewhere.nextRefillNo,
      pharmacistId: PHARMACIST,
      card: h.card(elsewhere),
    });
    expect(dup.ok).toBe(false);

    const today = rocDateFromDate(h.now());
    const source = reportSourceFor({ service: h.service, dispensing: h.service });
    const data = await buildRefillLogData(source, {
      from: today,
      to: today,
      pharmacy: { ...PHARMACY, phone: "02-0000-0000" },
      now: h.now(),
    });
    expect(data.totals).toMatchObject({
      dispensings: 1,
      duplicatesStopped: 2,
      uploads: { counted: 1, within24h: 1, share: 1 },
    });
    const rx = data.prescriptions.find((p) => p.originalVisitId === fresh.originalVisitId)!;
    expect(rx.entries.map((e) => e.kind)).toEqual(["dispensed", "blocked"]);
    expect(rx.entries[0]!.upload).toMatchObject({ state: "accepted", within24h: true, visitId: r1.dispensing.visitId });
    expect(rx.refills[0]).toMatchObject({ refillNo: 1, state: "dispensed", elsewhere: false });

    const csv = parseCsv(renderRefillLogCsv(data));
    expect(csv.filter((r) => r.includes(elsewhere.originalVisitId) && r.includes("blocked"))).toHaveLength(1);
    const text = await pdfText(await renderRefillLogPdf(data), { layout: false });
    expect(text).toContain(formatVisitIdGrouped(fresh.originalVisitId));
    expect(text).toContain("100.0 %");

    const slip = await buildSlipData(source, { dispensingId: r1.dispensing.id, pharmacy: PHARMACY, now: h.now() });
    expect(slip.nextRefillNo).toBe(2);
    expect(slip.window).toEqual(r1.nextRefill!.window);
    expect(formatRocDate(slip.window.from)).toMatch(/^\d{3}\/\d{2}\/\d{2}$/);
  });

  it("runs from the command line on the service's data folder, opening only the database", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rxdesk-report-svc-"));
    try {
      const chunks: Buffer[] = [];
      const stdout = new Writable({
        write(chunk, _enc, cb) {
          chunks.push(Buffer.from(chunk));
          cb();
        },
      });
      const program = new Command("rxdesk").exitOverride();
      registerReportCommands(program.command("report"), {
        stdout,
        stderr: new Writable({ write: (_c, _e, cb) => cb() }),
      });
      await program.parseAsync([
        "node",
        "rxdesk",
        "report",
        "refill-log",
        "--from",
        "113/03/01",
        "--to",
        "113/03/31",
        "--format",
        "csv",
        "--data-dir",
        dir,
      ]);
      expect(process.exitCode ?? 0).toBe(0);
      const rows = parseCsv(Buffer.concat(chunks).toString("utf8"));
      // An empty month: the header, then only the totals (the period and its five weeks, all zero).
      const event = rows[0]!.indexOf("事件代碼 event");
      expect(rows.slice(1).map((r) => r[event])).toEqual(["total", ...Array(5).fill("total-week")]);
      expect(rows[0]![0]).toBe("事件時間 event_at");
      // The report-only start: the database and nothing else (no NHI sandbox state beside it).
      expect((await readdir(dir)).filter((f) => !/-(wal|shm|journal)$/.test(f))).toEqual(["rxdesk.sqlite3"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
