import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runRxdesk as rxdesk } from "../../../test/support/process.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("rxdesk report parse", { timeout: 180_000 }, () => {
  it("prints the seed sample as JSON with meanings and advice", async () => {
    const r = await rxdesk("report", "parse", join(root, "fixtures/check-reports/seed-sample.txt"));
    expect(r.code).toBe(0);
    const [entry] = JSON.parse(r.out);
    expect(entry.recordNo).toBe(2);
    expect(entry.fields.M16).toBe("1BYFWZQ21QQXY3B54X0L");
    expect(entry.errors).toEqual([
      expect.objectContaining({
        field: "M15",
        code: "AA",
        known: true,
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
    const entries = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.recordNo)).toEqual([1, 3, 7]);
    expect(entries[2].errors[1]).toMatchObject({ field: "M15", code: "Z999", known: false });
    expect(entries[2].fields["D15[1]"]).toBe("飯後服用");
  });

  it("a missing file exits 2 with a message", async () => {
    const r = await rxdesk("report", "parse", "/nonexistent/report.txt");
    expect(r.code).toBe(2);
    expect(r.err).toContain("無法讀取檔案");
  });
});
