/** The in-process NhiClient: calls the sandbox core directly, with the same faults the HTTP app applies. */
import { type NhiClient, NhiUnavailableError } from "../client.js";
import type { SandboxCore } from "./core.js";
import { delay, type FaultSwitch, garble } from "./faults.js";
import type { SandboxOperation } from "./types.js";

export function createInProcessClient(core: SandboxCore, faults: FaultSwitch, timeoutMs: number): NhiClient {
  async function call<T>(operation: SandboxOperation, fn: () => T | Promise<T>): Promise<T> {
    const f = faults.for(operation);
    if (f.slowMs) {
      if (f.slowMs >= timeoutMs) {
        await delay(timeoutMs);
        throw new NhiUnavailableError(`NHI sandbox: ${operation} timed out after ${timeoutMs} ms`);
      }
      await delay(f.slowMs);
    }
    const status = faults.serverErrorStatus(operation);
    if (status !== undefined) throw new NhiUnavailableError(`NHI sandbox: ${operation} answered HTTP ${status}`);
    if (f.drop) throw new NhiUnavailableError(`NHI sandbox: connection dropped during ${operation}`);
    return fn();
  }
  return {
    upload: (caller, document) => call("upload", () => core.upload(caller, document)),
    fetchCheckReport: (caller, uploadId) =>
      call("fetchCheckReport", () => {
        const report = core.fetchCheckReport(caller, uploadId);
        return report && faults.for("fetchCheckReport").garbledReport ? garble(report) : report;
      }),
    prescriptionStatus: (caller, originalVisitId) =>
      call("prescriptionStatus", () => core.prescriptionStatus(caller, originalVisitId)),
    passCard: (caller, request) => call("passCard", () => core.passCard(caller, request)),
    offlineVisitId: (caller, nationalId, at) =>
      call("offlineVisitId", () => core.offlineVisitId(caller, nationalId, at)),
    verifyVirtualCard: (caller, token) => call("verifyVirtualCard", () => core.verifyVirtualCard(caller, token)),
    ping: async () => {
      try {
        return await call("ping", () => true);
      } catch (error) {
        if (error instanceof NhiUnavailableError) return false;
        throw error;
      }
    },
  };
}
