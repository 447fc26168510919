import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  dateFromRocDate,
  dateFromRocDateTime,
  daysBetween,
  formatRocDate,
  formatRocDateTime,
  isRocDate,
  isRocDateTime,
  parseHumanDate,
  parseRocDate,
  parseRocDateTime,
  type RocDate,
  type RocDateTime,
  rocDateFromDate,
  rocDateFromIso,
  rocDateTimeFromDate,
  rocDateTimeFromIso,
  rocDateTimeToIso,
  rocDateToIso,
} from "./roc-date.js";

describe("ROC dates", () => {
  it("113/03/21 is 2024-03-21 both ways", () => {
    expect(rocDateFromIso("2024-03-21")).toBe("1130321");
    expect(rocDateToIso("1130321" as RocDate)).toBe("2024-03-21");
    expect(formatRocDate("1130321" as RocDate)).toBe("113/03/21");
  });

  it("years below 100 keep three digits", () => {
    expect(rocDateFromIso("2010-01-01")).toBe("0990101");
    expect(rocDateToIso("0010101" as RocDate)).toBe("1912-01-01");
  });

  it("checks the calendar: leap days, month ends, year 0", () => {
    expect(isRocDate("1130229")).toBe(true);
    expect(isRocDate("1120229")).toBe(false);
    expect(isRocDate("1130431")).toBe(false);
    expect(isRocDate("1131301")).toBe(false);
    expect(isRocDate("1130100")).toBe(false);
    expect(isRocDate("0000101")).toBe(false);
    expect(isRocDate("113032")).toBe(false);
    expect(isRocDate("11303210")).toBe(false);
    expect(isRocDate("113-321")).toBe(false);
    expect(() => parseRocDate("1120229")).toThrow(RangeError);
  });

  it("date-times: the seed's 1130320133912 and range checks", () => {
    expect(isRocDateTime("1130320133912")).toBe(true);
    expect(formatRocDateTime("1130320133912" as RocDateTime)).toBe("113/03/20 13:39:12");
    expect(rocDateTimeToIso("1130320133912" as RocDateTime)).toBe("2024-03-20T13:39:12+08:00");
    expect(isRocDateTime("1130320240000")).toBe(false);
    expect(isRocDateTime("1130320236000")).toBe(false);
    expect(isRocDateTime("1130320235960")).toBe(false);
    expect(isRocDateTime("1130230000000")).toBe(false);
    expect(() => parseRocDateTime("113032013391")).toThrow(RangeError);
  });

  it("converts instants in Taiwan time (UTC+8), across midnight", () => {
    expect(rocDateTimeFromDate(new Date("2024-03-20T05:39:12Z"))).toBe("1130320133912");
    expect(rocDateTimeFromDate(new Date("2024-03-20T16:00:00Z"))).toBe("1130321000000");
    expect(rocDateFromDate(new Date("2024-03-20T15:59:59Z"))).toBe("1130320");
    expect(dateFromRocDateTime("1130321000000" as RocDateTime).toISOString()).toBe("2024-03-20T16:00:00.000Z");
    expect(dateFromRocDate("1130321" as RocDate).toISOString()).toBe("2024-03-20T16:00:00.000Z");
    expect(rocDateTimeFromIso("2024-03-20T13:39:12+08:00")).toBe("1130320133912");
    expect(() => rocDateTimeFromIso("yesterday")).toThrow(RangeError);
    // The seed's visit-ID example: 1090114233615 = 2020-01-14 23:36:15 Taiwan time.
    expect(rocDateTimeToIso("1090114233615" as RocDateTime)).toBe("2020-01-14T23:36:15+08:00");
  });

  it("parses what a person types", () => {
    expect(parseHumanDate("113/03/21")).toBe("1130321");
    expect(parseHumanDate("113/3/21")).toBe("1130321");
    expect(parseHumanDate("99.1.1")).toBe("0990101");
    expect(parseHumanDate(" 1130321 ")).toBe("1130321");
    expect(parseHumanDate("2024-03-21")).toBe("1130321");
    expect(() => parseHumanDate("113/02/30")).toThrow(RangeError);
    expect(() => parseHumanDate("next week")).toThrow(RangeError);
  });

  it("day arithmetic across months and leap years", () => {
    expect(daysBetween("1130225" as RocDate, "1130301" as RocDate)).toBe(5);
    expect(daysBetween("1120225" as RocDate, "1120301" as RocDate)).toBe(4);
    expect(addDays("1131220" as RocDate, 28)).toBe("1140117");
    expect(addDays("1130301" as RocDate, -1)).toBe("1130229");
  });
});

const isoDate = fc
  .date({ min: new Date("1912-01-01T00:00:00Z"), max: new Date("2900-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe("properties", () => {
  it("ISO ↔ ROC date round-trips", () => {
    fc.assert(
      fc.property(isoDate, (iso) => {
        const roc = rocDateFromIso(iso);
        expect(isRocDate(roc)).toBe(true);
        expect(rocDateToIso(roc)).toBe(iso);
        expect(parseHumanDate(formatRocDate(roc))).toBe(roc);
      }),
    );
  });

  it("instant → ROC date-time → instant keeps the second", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1912-01-01T00:00:00Z"), max: new Date("2900-01-01T00:00:00Z"), noInvalidDate: true }),
        (d) => {
          const roc = rocDateTimeFromDate(d);
          expect(isRocDateTime(roc)).toBe(true);
          expect(dateFromRocDateTime(roc).getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
          expect(rocDateTimeFromIso(rocDateTimeToIso(roc))).toBe(roc);
        },
      ),
    );
  });

  it("addDays and daysBetween agree", () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -400, max: 400 }), (iso, n) => {
        const a = rocDateFromIso(iso);
        fc.pre(Number(a.slice(0, 3)) > 2 && Number(a.slice(0, 3)) < 980);
        expect(daysBetween(a, addDays(a, n))).toBe(n);
      }),
    );
  });
});
