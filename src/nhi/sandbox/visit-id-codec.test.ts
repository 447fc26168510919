import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNationalId, nationalIdCheckDigit } from "../../domain/national-id.js";
import type { RocDateTime } from "../../domain/roc-date.js";
import { isVisitId, VISIT_ID_ALPHABET } from "../../domain/visit-id.js";
import { CHECK_SPACE, createVisitIdCodec, DOMAIN_SIZE, VisitIdEncodingError } from "./visit-id-codec.js";

const KEY = "property-test-key-0123456789";
const codec = createVisitIdCodec(KEY);

const nationalId = fc
  .tuple(
    fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    fc.constantFrom(..."1289ABCD"),
    fc.integer({ min: 0, max: 9_999_999 }),
  )
  .map(([letter, second, n]) => {
    const first9 = `${letter}${second}${String(n).padStart(7, "0")}`;
    return `${first9}${nationalIdCheckDigit(first9)}`;
  });

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const visitDateTime = fc
  .date({ min: new Date(Date.UTC(1991, 0, 1)), max: new Date(Date.UTC(2120, 11, 31, 23, 59, 59)), noInvalidDate: true })
  .map(
    (d) =>
      `${pad(d.getUTCFullYear() - 1911, 3)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(
        d.getUTCMinutes(),
      )}${pad(d.getUTCSeconds())}` as RocDateTime,
  );

const fields = fc.record({
  nationalId,
  visitDateTime,
  institutionIndex: fc.integer({ min: 0, max: (1 << 17) - 1 }),
  offline: fc.boolean(),
});

describe("sandbox visit-ID codec", () => {
  it("leaves room for a keyed check of about 1.8 million values", () => {
    expect(CHECK_SPACE).toBeGreaterThan(1_000_000n);
    expect(DOMAIN_SIZE).toBe(34n ** 20n);
  });

  it("round-trips every field and writes 20 characters of the 34-symbol alphabet", () => {
    fc.assert(
      fc.property(fields, (f) => {
        const id = codec.encode(f);
        expect(isVisitId(id)).toBe(true);
        expect(codec.decode(id)).toEqual(f);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes to a national ID whose checksum holds", () => {
    fc.assert(
      fc.property(fields, (f) => {
        const decoded = codec.decode(codec.encode(f))!;
        expect(checkNationalId(decoded.nationalId).valid).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("detects a changed character (tamper) — the ID no longer decodes", () => {
    fc.assert(
      fc.property(fields, fc.integer({ min: 0, max: 19 }), fc.integer({ min: 1, max: 33 }), (f, pos, shift) => {
        const id = codec.encode(f);
        const old = VISIT_ID_ALPHABET.indexOf(id[pos]!);
        const tampered = `${id.slice(0, pos)}${VISIT_ID_ALPHABET[(old + shift) % 34]}${id.slice(pos + 1)}`;
        expect(codec.decode(tampered)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("does not decode random strings", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VISIT_ID_ALPHABET), { minLength: 20, maxLength: 20 }), (chars) => {
        expect(codec.decode(chars.join(""))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("needs the key: another key decodes nothing", () => {
    const other = createVisitIdCodec("another-key-0123456789abc");
    fc.assert(
      fc.property(fields, (f) => {
        expect(other.decode(codec.encode(f))).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it("differs for each field: person, second, institution, offline flag", () => {
    const base = {
      nationalId: "A123456789",
      visitDateTime: "1090114233615" as RocDateTime,
      institutionIndex: 3,
      offline: false,
    };
    const ids = new Set([
      codec.encode(base),
      codec.encode({ ...base, nationalId: `A22345678${nationalIdCheckDigit("A22345678")}` }),
      codec.encode({ ...base, visitDateTime: "1090114233616" as RocDateTime }),
      codec.encode({ ...base, institutionIndex: 4 }),
      codec.encode({ ...base, offline: true }),
    ]);
    expect(ids.size).toBe(5);
  });

  it("refuses what it cannot encode, with a clear error", () => {
    const base = { visitDateTime: "1090114233615" as RocDateTime, institutionIndex: 0, offline: false };
    expect(() => codec.encode({ ...base, nationalId: "A123456788" })).toThrow(VisitIdEncodingError);
    expect(() => codec.encode({ ...base, nationalId: "A12345678" })).toThrow(/cannot encode/);
    expect(() =>
      codec.encode({ ...base, nationalId: "A123456789", visitDateTime: "0791231235959" as RocDateTime }),
    ).toThrow(/out of range/);
    expect(() => createVisitIdCodec("short")).toThrow(/16 bytes/);
  });

  it("rejects strings outside the alphabet or of the wrong length", () => {
    expect(codec.decode("OUSE4FA11RP4J370WR4K")).toBeUndefined();
    expect(codec.decode("123")).toBeUndefined();
  });
});
