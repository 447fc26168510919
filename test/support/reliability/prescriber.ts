/**
 * A clinic that keeps writing prescriptions into a sandbox on the real clock: each `prescribe()` is a new patient's
 * chronic prescription (2 refills of 28 days), uploaded as the clinic would, ready to be dispensed at a counter.
 * The patient comes with a virtual NHI card: `showCard()` issues a fresh QR token for the counter to verify.
 */
import { nationalIdCheckDigit } from "../../../src/domain/national-id.js";
import type { RocDate } from "../../../src/domain/roc-date.js";
import { parseCheckReport } from "../../../src/nhi/check-report/parse.js";
import { buildUploadXml } from "../../../src/nhi/format/xml.js";
import { prescriptionRecord, type Sandbox } from "../../../src/nhi/sandbox/index.js";

export const SOAK_CLINIC = "3501209999";
const DOCTOR = `F12661734${nationalIdCheckDigit("F12661734")}`;

export interface Prescribed {
  visitId: string;
  nationalId: string;
  /** The patient's virtual card QR token (single use, as NHI issues it). */
  showCard(): Promise<string>;
}

export async function startPrescriber(sandbox: Sandbox): Promise<{ prescribe(): Promise<Prescribed> }> {
  await sandbox.registerInstitution({ code: SOAK_CLINIC, kind: "prescriber", name: "長跑測試診所" });
  let patientNo = 0;
  return {
    async prescribe() {
      patientNo += 1;
      const first9 = `A1${String(patientNo % 10_000_000).padStart(7, "0")}`;
      const nationalId = `${first9}${nationalIdCheckDigit(first9)}`;
      const birthDate = "0700101" as RocDate;
      const pass = await sandbox.client.passCard(
        { institutionCode: SOAK_CLINIC },
        { nationalId, visitCategory: "01", at: new Date(Date.now() - 3_600_000) },
      );
      const record = prescriptionRecord({
        institutionCode: SOAK_CLINIC,
        samId: pass.samId,
        cardNumber: "000012345678",
        nationalId,
        birthDate,
        doctorId: DOCTOR,
        visitDateTime: pass.visitDateTime,
        sequenceNumber: pass.sequenceNumber ?? "0001",
        signature: pass.signature,
        visitId: pass.visitId,
        refillCount: 2,
        daysPerRefill: 28,
      });
      const receipt = await sandbox.client.upload({ institutionCode: SOAK_CLINIC }, buildUploadXml([record]));
      const report = await sandbox.client.fetchCheckReport({ institutionCode: SOAK_CLINIC }, receipt.uploadId);
      const rejected = report ? parseCheckReport(report).filter((e) => e.rejected) : [];
      if (rejected.length > 0)
        throw new Error(`the clinic's upload was rejected: ${JSON.stringify(rejected[0]!.errors)}`);
      const showCard = async () => (await sandbox.issueVirtualCard({ nationalId })).token;
      return { visitId: pass.visitId, nationalId, showCard };
    },
  };
}
