/** Standalone state lives in its own SQLite file: everything survives a restart, and the key stays with the file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLINIC, DOCTOR, PATIENT, PHARMACY } from "../../../test/support/sandbox-world.js";
import { buildUploadXml } from "./format-bridge.js";
import { createSandbox } from "./index.js";
import { cancelRecord, prescriptionRecord } from "./records.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rxdesk-sandbox-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite persistence", () => {
  it("keeps institutions, records, refill events, reports and tokens across a restart", async () => {
    const file = join(dir, "nhi.sqlite");
    const now = () => new Date("2025-03-03T02:00:00Z");
    const a = await createSandbox({ file, now });
    await a.registerInstitution({ code: CLINIC, kind: "prescriber", name: "健保示範診所" });
    const pass = await a.client.passCard(
      { institutionCode: CLINIC },
      { nationalId: PATIENT.nationalId, visitCategory: "01" },
    );
    const rx = prescriptionRecord({
      institutionCode: CLINIC,
      samId: pass.samId,
      cardNumber: "000012345678",
      nationalId: PATIENT.nationalId,
      birthDate: PATIENT.birthDate,
      doctorId: DOCTOR,
      visitDateTime: pass.visitDateTime,
      sequenceNumber: pass.sequenceNumber!,
      signature: pass.signature,
      visitId: pass.visitId,
      refillCount: 2,
      daysPerRefill: 30,
    });
    const receipt = await a.client.upload({ institutionCode: CLINIC }, buildUploadXml([rx, cancelRecord(rx, 2)]));
    const report = await a.client.fetchCheckReport({ institutionCode: CLINIC }, receipt.uploadId);
    const issued = await a.issueVirtualCard({ nationalId: PATIENT.nationalId });
    const before = await a.client.prescriptionStatus({ institutionCode: PHARMACY }, pass.visitId);
    await a.close();

    const b = await createSandbox({ file, now });
    try {
      expect(b.institution(CLINIC)?.name).toBe("健保示範診所");
      expect(b.decodeVisitId(pass.visitId)?.nationalId).toBe(PATIENT.nationalId);
      const after = await b.client.prescriptionStatus({ institutionCode: PHARMACY }, pass.visitId);
      expect(after).toEqual(before);
      expect(after.found && after.status.refills[1]!.state).toBe("cancelled");
      expect(await b.client.fetchCheckReport({ institutionCode: CLINIC }, receipt.uploadId)).toEqual(report);
      expect(b.uploadResult(CLINIC, receipt.uploadId)).toMatchObject({ recordCount: 2, accepted: 2, rejected: 0 });
      expect(b.uploadResult(PHARMACY, receipt.uploadId)).toBeUndefined();
      expect(await b.client.verifyVirtualCard({ institutionCode: PHARMACY }, issued.token)).toMatchObject({
        valid: true,
      });
      // A second upload continues the receipt numbering.
      const next = await b.client.upload({ institutionCode: CLINIC }, buildUploadXml([]));
      expect(next.uploadId > receipt.uploadId).toBe(true);
    } finally {
      await b.close();
    }
  });

  it("refuses to open a file with a different key (its visit IDs would no longer decode)", async () => {
    const file = join(dir, "keyed.sqlite");
    await (await createSandbox({ file, key: "first-key-0123456789" })).close();
    await expect(createSandbox({ file, key: "second-key-0123456789" })).rejects.toThrow(/another visit-ID key/);
  });
});
