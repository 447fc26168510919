import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runRxdesk as rxdesk } from "../../../test/support/process.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("rxdesk report parse", { timeout: 180_000 }, () => {
  it("prints the seed sample as JSON with meanings and advice", async () => {
    const r = await rxdesk("report", "parse", join(root, "fixtures/check-reports/seed-sample.txt"));
    expect(r.code).toBe(0);
    const { summary, records } = JSON.parse(r.out);
    expect(summary).toEqual({ blocks: 1, rejected: 1 });
    const [entry] = records;
    expect(entry.recordNo).toBe(2);
    expect(entry.fields.M16).toBe("1BYFWZQ21QQXY3B54X0L");
    expect(entry.errors).toEqual([
      expect.objectContaining({
        field: "M15",
        code: "AA",
        known: true,
        severity: "rejected",
        message: { zh: "欄位資料必填寫", en: "required field is missing" },
      }),
    ]);
  });

  it("--compact: one line per record from the Big5 CRLF report, unknown codes kept", async () => {
    const r = await rxdesk(
      "report",
      "parse",
      "--compact",
      join(root, "fixtures/check-reports/multi-record-big5-crlf.txt"),
    );
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const entries = lines.slice(0, -1);
    expect(lines.at(-1)).toEqual({ summary: { blocks: 3, rejected: 2 } });
    expect(entries.map((e) => e.recordNo)).toEqual([1, 3, 7]);
    // D051 and D024 alone: accepted with warnings, not a rejection.
    expect(entries[0]).toMatchObject({ rejected: false, errors: [{ severity: "warning" }, { severity: "warning" }] });
    expect(entries[2].errors[1]).toMatchObject({ field: "M15", code: "Z999", known: false });
    expect(entries[2].fields["D15[1]"]).toBe("飯後服用");
  });

  it.each([
    ["empty", Buffer.alloc(0), "empty"],
    ["binary", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0x0a]), "binary"],
    ["XML", Buffer.from('<?xml version="1.0" encoding="Big5"?>\n<RECS><REC></REC></RECS>\n'), "xml validate"],
    ["non-report", Buffer.from("Dear pharmacist,\nyour upload was received.\n"), "line 1: not understood"],
    ["cut-off", Buffer.from("第[1]筆\nM15=[ X ]\n錯誤原因:M15:A"), "cut off"],
  ])("a %s file exits 1 with a clear message and prints no JSON", async (_name, bytes, reason) => {
    const dir = mkdtempSync(join(tmpdir(), "rxdesk-report-"));
    try {
      const file = join(dir, "report.txt");
      writeFileSync(file, bytes);
      const r = await rxdesk("report", "parse", file);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain("檢核結果報表無法完整讀取");
      expect(r.err).toContain(reason);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a 200 MB file is refused at once, without reading it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rxdesk-report-"));
    try {
      const file = join(dir, "huge.txt");
      // Sparse: 200 MB on paper, nothing on disk; the limit is checked before reading.
      writeFileSync(file, "第[1]筆\n");
      truncateSync(file, 200 * 1024 * 1024);
      const r = await rxdesk("report", "parse", file);
      expect(r.code).toBe(2);
      expect(r.err).toContain("64 MB");
      const v = await rxdesk("xml", "validate", file);
      expect(v.code).toBe(2);
      expect(v.err).toContain("larger than the 64 MB limit");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a missing file exits 2 with a message", async () => {
    const r = await rxdesk("report", "parse", "/nonexistent/report.txt");
    expect(r.code).toBe(2);
    expect(r.err).toContain("無法讀取檔案");
  });
});
