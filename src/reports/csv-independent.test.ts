/**
 * The CSV writer read back by an independent parser (csv-parse, the node-csv project's RFC 4180 parser), not only
 * by our own `parseCsv`: any table survives, and the month's refill log reads back to the same rows either way.
 */
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { smallMonthRefillLog } from "../../test/support/small-month.js";
import { csvLine, parseCsv, UTF8_BOM } from "./csv.js";
import { refillLogCsvHeader, renderRefillLogCsv } from "./refill-log-csv.js";

function independent(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true, record_delimiter: "\r\n" }) as string[][];
}

describe("CSV read by an independent parser", () => {
  it("any table with commas, quotes, line breaks and Chinese text reads back unchanged", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "調", "劑", ",", '"', "\n", "\r", " ", "1", "=") });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (rows) => {
        expect(independent(UTF8_BOM + rows.map(csvLine).join(""))).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it("the refill log CSV gives the same rows to csv-parse as to our parser", async () => {
    for (const mask of ["full", "masked", "initials"] as const) {
      const data = await smallMonthRefillLog(mask);
      const text = renderRefillLogCsv(data);
      const rows = independent(text);
      expect(rows[0]).toEqual(refillLogCsvHeader());
      expect(rows.length).toBeGreaterThan(3);
      expect(rows).toEqual(parseCsv(text));
      expect(new Set(rows.map((r) => r.length))).toEqual(new Set([refillLogCsvHeader().length]));
    }
  });
});
