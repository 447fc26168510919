import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REASON_KINDS, type ReasonKind } from "../domain/reasons.js";
import { OUTCOME_STATUS, outcomeStatus } from "./outcome-status.js";

const SRC = join(import.meta.dirname, "..");

/** Source files (tests excluded) under a folder of src/. */
function sources(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => join(folder, f));
}

/** Lines that speak HTTP: a 4xx literal, or a status/httpStatus given a three-digit number. */
function httpStatusLines(text: string): string[] {
  return text.split("\n").filter((line) => /\b4\d\d\b/.test(line) || /\b(http)?status\s*[:=(]\s*\d{3}\b/i.test(line));
}

describe("outcome → HTTP status (the one table)", () => {
  it("maps each kind of refusal to the status the API has always answered", () => {
    expect(outcomeStatus("conflict")).toBe(409);
    expect(outcomeStatus("invalid")).toBe(422);
    expect(outcomeStatus("not-found")).toBe(404);
    // 403 means "your role may not"; an override still to be given is a request to complete, not a role.
    expect(outcomeStatus("override")).toBe(422);
  });

  it("covers every kind a reason code can have", () => {
    const kinds = new Set<ReasonKind>(Object.values(REASON_KINDS));
    expect([...kinds].sort()).toEqual(Object.keys(OUTCOME_STATUS).sort());
  });
});

describe("HTTP statuses live only in src/api", () => {
  it("the detector finds the shapes it looks for", () => {
    expect(httpStatusLines("return { ok: false, status: 409, reasons };\nthrow new Rejection(422, []);")).toHaveLength(
      2,
    );
    expect(httpStatusLines("const httpStatus = 503;")).toHaveLength(1);
    expect(httpStatusLines('return { ok: false, kind: "conflict" };\nMath.min(500, limit);')).toEqual([]);
  });

  it.each(["service", "domain"])("src/%s carries no HTTP status numbers", (folder) => {
    const files = sources(folder);
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) =>
      httpStatusLines(readFileSync(join(SRC, f), "utf8")).map((l) => `${f}: ${l.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
