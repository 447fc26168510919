/**
 * `rxdesk paper` and `rxdesk incidents` through the real CLI: a bad field is named with its exit code, a file that
 * is not a paper prescription is refused before anything opens, and incidents list and refuse as the service does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRxdesk } from "../../../test/support/process.js";
import { sm00Paper } from "../../../test/support/service-paper.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-paper-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = ["--data-dir", join(dir, "data"), "--lang", "en"];

describe("rxdesk paper / incidents", { timeout: 60_000 }, () => {
  it("names a bad field (exit 2) and refuses a file that is not a paper prescription (exit 1)", async () => {
    const file = join(dir, "paper.json");
    writeFileSync(
      file,
      // M17 eight characters: the field rules want ten.
      JSON.stringify(sm00Paper({ prescriberInstitutionCode: "35020604" })),
    );
    const bad = await runRxdesk("paper", "check", file, "--national-id", "A123456789", ...data);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/paper-field-invalid AC M17: .*must be 10 characters, is 8/);
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ visitId: "x" }));
    const wrong = await runRxdesk(
      "paper",
      "dispense",
      other,
      "--national-id",
      "A123456789",
      "--pharmacist",
      "B123456780",
      ...data,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/does not fit: originalVisitId/);
    expect(wrong.err).not.toMatch(/\n\s+at /);
  });

  it("lists no incidents on a fresh counter and refuses to acknowledge an unknown one", async () => {
    const list = await runRxdesk("incidents", "--json", ...data);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual([]);
    const ack = await runRxdesk("incidents", "ack", "nope", "--note", "已處理", "--pharmacist", "B123456780", ...data);
    expect(ack.code).toBe(2);
    expect(ack.err).toMatch(/no-such-incident: No incident nope/);
  });
});
