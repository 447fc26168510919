/**
 * The in-process sandbox: its central side calls the core directly with the same faults the HTTP app applies, and
 * its control software runs beside it. Faults cut central (all operations, or those listed in `only`); the control
 * software fails only when listed in `only` ("passCard", "offlineVisitId": a broken reader or control software),
 * and its card pass fails while central is cut, as the real one cannot authenticate then. API 1.54 keeps working.
 */
import { type CardControlSoftware, joinNhi, type NhiCentral, type NhiClient, NhiUnavailableError } from "../client.js";
import { createControlSoftware } from "./control-software.js";
import type { SandboxCore } from "./core.js";
import { delay, type FaultSwitch, garble } from "./faults.js";
import type { SandboxOperation } from "./types.js";

export interface InProcessNhi {
  central: NhiCentral;
  controlSoftware: CardControlSoftware;
  client: NhiClient;
}

export function createInProcessNhi(core: SandboxCore, faults: FaultSwitch, timeoutMs: number): InProcessNhi {
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
  const central: NhiCentral = {
    upload: (caller, document) => call("upload", () => core.upload(caller, document)),
    fetchCheckReport: (caller, uploadId) =>
      call("fetchCheckReport", () => {
        const report = core.fetchCheckReport(caller, uploadId);
        return report && faults.for("fetchCheckReport").garbledReport ? garble(report) : report;
      }),
    prescriptionStatus: (caller, originalVisitId) =>
      call("prescriptionStatus", () => core.prescriptionStatus(caller, originalVisitId)),
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
  const local = createControlSoftware(core.controlSoftwareBackend(async () => !faults.cuts("ping")));
  const controlSoftware: CardControlSoftware = {
    passCard: (caller, request) => call("passCard", () => local.passCard(caller, request)),
    offlineVisitId: (caller, nationalId, at) =>
      call("offlineVisitId", () => local.offlineVisitId(caller, nationalId, at)),
  };
  return { central, controlSoftware, client: joinNhi(central, controlSoftware) };
}
