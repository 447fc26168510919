/**
 * An upload format 2.0 record as typed data: MSH (H00, H01), MB1 (M01–M56) and MB2 order lines (D01–D15).
 * All values are the upload-format strings exactly as they go into the XML (leading zeros kept).
 */

import type { H01, Mb1Field, Mb2Field, UploadRecord } from "../../domain/upload-record.js";

export type { H01, Mb1, Mb1Field, Mb2, Mb2Field, UploadRecord } from "../../domain/upload-record.js";

export const H01_VALUES: readonly H01[] = ["A", "B", "C", "D", "E"];

/** M01 … M56 in upload order. */
export const MB1_FIELDS: readonly Mb1Field[] = Array.from(
  { length: 56 },
  (_, i) => `M${String(i + 1).padStart(2, "0")}` as Mb1Field,
);

/** D01 … D15 in upload order. */
export const MB2_FIELDS: readonly Mb2Field[] = Array.from(
  { length: 15 },
  (_, i) => `D${String(i + 1).padStart(2, "0")}` as Mb2Field,
);

const MB1_SET: ReadonlySet<string> = new Set(MB1_FIELDS);
const MB2_SET: ReadonlySet<string> = new Set(MB2_FIELDS);

export function isMb1Field(name: string): name is Mb1Field {
  return MB1_SET.has(name);
}

export function isMb2Field(name: string): name is Mb2Field {
  return MB2_SET.has(name);
}

export function isH01(value: string): value is H01 {
  return (H01_VALUES as readonly string[]).includes(value);
}

/** A value counts as filled when it is a non-empty string. */
export function filled(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** Reads any field of a record by id: H00, H01, M01…M56 (MB2 fields need an index, see `mb2Value`). */
export function recordValue(record: UploadRecord, field: string): string | undefined {
  if (field === "H00") return record.h00;
  if (field === "H01") return record.h01;
  if (isMb1Field(field)) return record.mb1[field];
  return undefined;
}

/** True when the record is a chronic refill dispensing: an order line of kind C or a refill count in M26. */
export function isChronicRecord(record: UploadRecord): boolean {
  return filled(record.mb1.M26) || record.mb2.some((line) => line.D04 === "C");
}

/**
 * Checks a JSON value (e.g. from `rxdesk xml build record.json`) has the UploadRecord shape. Returns the problems
 * found; field values themselves are checked by `validateRecord`.
 */
export function uploadRecordProblems(value: unknown, path = "record"): string[] {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: not an object`];
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!["h00", "h01", "mb1", "mb2"].includes(key)) problems.push(`${path}.${key}: unknown property`);
  }
  if (typeof v.h00 !== "string") problems.push(`${path}.h00: string expected`);
  if (typeof v.h01 !== "string") problems.push(`${path}.h01: string expected`);
  if (typeof v.mb1 !== "object" || v.mb1 === null || Array.isArray(v.mb1))
    problems.push(`${path}.mb1: object expected`);
  else {
    for (const [k, x] of Object.entries(v.mb1)) {
      if (!isMb1Field(k)) problems.push(`${path}.mb1.${k}: not an MB1 field (M01–M56)`);
      else if (typeof x !== "string") problems.push(`${path}.mb1.${k}: string expected`);
    }
  }
  if (!Array.isArray(v.mb2)) problems.push(`${path}.mb2: array expected`);
  else {
    v.mb2.forEach((line: unknown, i) => {
      if (typeof line !== "object" || line === null || Array.isArray(line)) {
        problems.push(`${path}.mb2[${i}]: object expected`);
        return;
      }
      for (const [k, x] of Object.entries(line)) {
        if (!isMb2Field(k)) problems.push(`${path}.mb2[${i}].${k}: not an MB2 field (D01–D15)`);
        else if (typeof x !== "string") problems.push(`${path}.mb2[${i}].${k}: string expected`);
      }
    });
  }
  return problems;
}
