/**
 * The NHI boundary as a user meets it, with a standalone sandbox (`--nhi-url`): NHI goes away, a prescription
 * seen before is dispensed with the cause's abnormal code through the control software on this machine (API 1.54
 * offline), and uploaded once NHI is back. An NHI that answers 200 with the wrong shape is "NHI unavailable or
 * garbled" from the CLI and the API, never a stack trace, a 500 or a database constraint error.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "../../../test/support/api-harness.js";
import { runRxdesk } from "../../../test/support/process.js";
import { createSandbox, type ListeningSandbox, type Sandbox, type SeededScenarios } from "../../nhi/sandbox/index.js";
import { createRxdesk } from "../../service/bootstrap.js";

const PHARMACY = "5901012345";
const PHARMACIST = "E123456783";
const dir = mkdtempSync(join(tmpdir(), "rxdesk-nhi-outage-"));
let sandbox: Sandbox;
let server: ListeningSandbox | undefined;
let url: string;
let port: number;
let seeded: SeededScenarios;
let garbled: Server;
let garbledUrl: string;

beforeAll(async () => {
  sandbox = await createSandbox();
  seeded = await sandbox.seedScenarios({ pharmacyCode: PHARMACY });
  server = await sandbox.listen(0);
  url = server.url;
  port = server.port;
  garbled = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ found: true, status: { originalVisitId: "X", refills: [{ state: "?" }] } }));
  });
  await new Promise<void>((resolve) => garbled.listen(0, "127.0.0.1", resolve));
  garbledUrl = `http://127.0.0.1:${(garbled.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server?.close();
  await sandbox.close();
  await new Promise<void>((resolve) => garbled.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |SQLITE_|TypeError/);

async function rx(...args: string[]) {
  const result = await runRxdesk(...args, "--data-dir", join(dir, "counter"), "--lang", "en");
  noStack(result.err);
  return result;
}

describe("NHI down at the counter (standalone sandbox)", { timeout: 180_000 }, () => {
  it("dispenses a seen prescription with A020 offline, and uploads it when NHI is back", async () => {
    const chronic = seeded.cases.chronicFresh;
    const oneOff = seeded.cases.oneOff;
    const env = ["--nhi-url", url, "--pharmacist", PHARMACIST];
    // A normal morning: one dispensing (the control software gets installed), one prescription checked.
    const first = await rx("dispense", oneOff.originalVisitId, ...env, "--national-id", oneOff.nationalId);
    expect(first.code, first.out + first.err).toBe(0);
    expect((await rx("dispense", chronic.originalVisitId, ...env, "--check")).code).toBe(0);

    await server!.close();
    server = undefined;
    const ask = await rx("dispense", chronic.originalVisitId, ...env, "--national-id", chronic.nationalId);
    expect(ask.code).toBe(3);
    expect(ask.out).toMatch(/NHI unavailable or garbled: decided on local data only/);
    const done = await rx(
      "dispense",
      chronic.originalVisitId,
      ...env,
      "--national-id",
      chronic.nationalId,
      "--override-reason",
      "pharmacy network down, patient needs medicine",
      "--abnormal-code",
      "A020",
      "--json",
    );
    expect(done.code, done.out + done.err).toBe(0);
    expect(JSON.parse(done.out).result).toMatchObject({ ok: true, dispensing: { abnormalCode: "A020", refillNo: 1 } });

    server = await sandbox.listen(port);
    const up = await rx("outbox", "run", "--nhi-url", url);
    expect(up.code, up.out + up.err).toBe(0);
    const status = await sandbox.client.prescriptionStatus({ institutionCode: PHARMACY }, chronic.originalVisitId);
    const refill = status.found ? status.status.refills[0] : undefined;
    expect(refill).toMatchObject({ state: "dispensed", dispensedBy: PHARMACY });
    expect(sandbox.decodeVisitId(refill!.dispensedVisitId!)).toMatchObject({
      institutionCode: PHARMACY,
      offline: true,
    });
  });
});

describe("another pharmacy's dispensing over HTTP", { timeout: 60_000 }, () => {
  it("is named with the pharmacy's name and code from NHI's status answer", async () => {
    const post = async (path: string, body: unknown) =>
      (await (await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) })).json()) as {
        originalVisitId: string;
      };
    const patient = "A123456789";
    const { originalVisitId } = await post("/v1/prescriptions", { prescriberCode: "3509990001", nationalId: patient });
    await post(`/v1/prescriptions/${originalVisitId}/dispensings`, {
      institutionCode: "5901017777",
      institutionName: "街角藥局",
      refillNo: 1,
    });
    const out = await rx("dispense", originalVisitId, "--nhi-url", url, "--national-id", patient, "--check");
    expect(out.code).toBe(2);
    expect(out.out).toContain("街角藥局 5901017777");
  });
});

describe("NHI answers 200 with the wrong shape", { timeout: 120_000 }, () => {
  const m16 = "1BYFWZQ21QQXY3B54X0L";

  it("the CLI says NHI unavailable or garbled, without a stack trace or a constraint error", async () => {
    const out = await runRxdesk("dispense", m16, "--nhi-url", garbledUrl, "--data-dir", join(dir, "g"), "--lang", "en");
    noStack(out.err);
    expect(out.code).toBe(2);
    expect(out.out).toMatch(/NHI unavailable or garbled/);
  });

  it("the API answers the check with that reason, not a 500", async () => {
    const rxdesk = await createRxdesk({ dataDir: join(dir, "api"), nhiUrl: garbledUrl, nhiTimeoutMs: 2_000 });
    const api = await startApi({ service: rxdesk.service, dir: join(dir, "api"), database: rxdesk.database });
    try {
      const response = await fetch(`${api.url}/api/checks`, {
        method: "POST",
        headers: { authorization: `Bearer ${api.pharmacistKey}`, "content-type": "application/json" },
        body: JSON.stringify({ visitId: m16 }),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(text).toMatch(/NHI unavailable or garbled/);
      expect(text).not.toMatch(/SQLITE|constraint|stack/i);
    } finally {
      await api.close();
      await rxdesk.close();
    }
  });
});
