/**
 * The local NHI sandbox: the central side (uploads with central checks, check-result reports, prescription status,
 * card passes, API 1.54 offline visit IDs, virtual cards) in-process or over HTTP, with faults on demand.
 *
 *   const sandbox = await createSandbox({ file: "data/nhi-sandbox.sqlite", now: () => clock() });
 *   await sandbox.client.prescriptionStatus({ institutionCode }, m16);
 *   const { url, close } = await sandbox.listen(0); // then createHttpNhiClient(url)
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSandboxApp } from "./app.js";
import { SandboxClock } from "./clock.js";
import { SandboxCore } from "./core.js";
import { FaultSwitch } from "./faults.js";
import { createInProcessNhi } from "./in-process-client.js";
import { memoryPersistence, sqlitePersistence } from "./persistence.js";
import { seedScenarios } from "./scenarios.js";
import type { ListeningSandbox, Sandbox, SandboxOptions } from "./types.js";

export { SandboxRequestError } from "./core.js";
export { createHttpNhiCentral, createHttpNhiClient, NhiRequestError } from "./http-client.js";
export * from "./records.js";
export { SCENARIO_CLINIC, SCENARIO_CLOSED_CLINIC, SCENARIO_PATIENTS, SCENARIO_PRE2_CLINIC } from "./scenarios.js";
export type * from "./types.js";

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const persistence = options.file ? await sqlitePersistence(options.file) : memoryPersistence();
  const clock = new SandboxClock(options.now ?? (() => new Date()));
  const now = () => clock.now();
  const coreOptions = { persistence, now, reportDelayMs: options.reportDelayMs ?? 0 };
  const core = await SandboxCore.open(options.key !== undefined ? { ...coreOptions, key: options.key } : coreOptions);
  const faults = new FaultSwitch();
  const nhi = createInProcessNhi(core, faults, options.timeoutMs ?? 10_000);
  const seed = (input: { pharmacyCode: string; now?: Date }) => seedScenarios(core, input);
  const servers = new Set<Server>();

  const listen = async (port = 0, host = "127.0.0.1"): Promise<ListeningSandbox> => {
    const app = createSandboxApp({ core, faults, seed, clock });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host, () => resolve(s));
      s.once("error", reject);
    });
    servers.add(server);
    const address = server.address() as AddressInfo;
    const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return {
      url: `http://${hostPart}:${address.port}`,
      port: address.port,
      close: () =>
        new Promise<void>((resolve, reject) => {
          servers.delete(server);
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        }),
    };
  };

  return {
    clock,
    client: nhi.client,
    central: nhi.central,
    controlSoftware: nhi.controlSoftware,
    faults,
    listen,
    registerInstitution: (input) => core.registerInstitution(input),
    institution: (code) => core.institution(code),
    issueVisitId: (input) => core.issueVisitId(input),
    decodeVisitId: (visitId) => core.decodeVisitId(visitId),
    issueVirtualCard: (input) => core.issueVirtualCard(input),
    revokeVirtualCard: (target) => core.revokeVirtualCard(target),
    seedScenarios: seed,
    uploadResult(institutionCode, uploadId) {
      const doc = core.uploadResult({ institutionCode }, uploadId);
      if (!doc) return undefined;
      const { report: _report, institutionCode: _inst, readyAt: _ready, ...result } = doc;
      return result;
    },
    now: () => now(),
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      servers.clear();
      await core.close();
    },
  };
}
