/** A fake service whose scan of UNKNOWN_VISIT_ID is the service's block for a prescription it cannot find. */
import { msg } from "../../src/domain/message.js";
import type { PaperEntryCause } from "../../src/domain/paper-prescription.js";
import { FakeService } from "./fake-service.js";

export const UNKNOWN_VISIT_ID = "9BYFWZQ21QQXY3B54X0L";

/** The block offers the paper form for `cause` (none: a plain block). */
export function paperOffering(cause?: PaperEntryCause): FakeService {
  const service = new FakeService();
  service.nhiReachable = cause !== "nhi-unreachable";
  service.check = async (input) => {
    service.calls.push({ method: "check", args: input });
    return {
      input: input.visitIdInput,
      originalVisitId: UNKNOWN_VISIT_ID,
      corrections: [],
      outcome: "block",
      reasons: [{ code: "not-uploaded", severity: "block", message: msg("查無處方", "Not found") }],
      headline: msg("不可調劑", "Do not dispense"),
      nhiReachable: service.nhiReachable,
      checkedAt: "2024-04-10T02:00:00Z",
      ...(cause ? { paperEntry: cause } : {}),
    };
  };
  return service;
}
