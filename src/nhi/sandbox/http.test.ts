/** The standalone path: the Koa app on a real loopback listener and the HTTP NhiClient, plus faults on demand. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLINIC, createWorld, PATIENT, PHARMACY, PHARMACY_X, type World } from "../../../test/support/sandbox-world.js";
import { type NhiClient, NhiUnavailableError } from "../client.js";
import { parseCheckReport } from "./format-bridge.js";
import { sandboxHttp } from "./http-client.js";
import { createHttpNhiClient, createSandbox, NhiRequestError } from "./index.js";
import type { ListeningSandbox } from "./types.js";

let w: World;
let server: ListeningSandbox;
let http: NhiClient;
beforeEach(async () => {
  w = await createWorld();
  server = await w.sandbox.listen(0);
  http = createHttpNhiClient(server.url, { timeoutMs: 2_000 });
});
afterEach(async () => {
  await server.close();
  await w.close();
});

const caller = { institutionCode: PHARMACY };

describe("HTTP adapter over loopback", () => {
  it("uploads, answers the check report and the status exactly like the in-process adapter", async () => {
    const rx = await w.prescribe();
    expect((await w.upload(CLINIC, [rx], http)).codes).toEqual([]);
    expect((await w.upload(PHARMACY_X, [await w.dispensing(rx, 1, { pharmacy: PHARMACY_X })], http)).codes).toEqual([]);
    const out = await w.upload(PHARMACY, [await w.dispensing(rx, 1)], http);
    expect(out.codes).toEqual(["M33:D025"]);
    const viaHttp = await http.prescriptionStatus(caller, rx.mb1.M15!);
    const inProcess = await w.sandbox.client.prescriptionStatus(caller, rx.mb1.M15!);
    expect(viaHttp).toEqual(inProcess);
    expect(viaHttp.found && viaHttp.status.refills[0]!.dispensedBy).toBe(PHARMACY_X);
  });

  it("returns the report only to the uploader; another institution gets a 404 request error", async () => {
    const receipt = await http.upload({ institutionCode: CLINIC }, new Uint8Array(Buffer.from("<RECS></RECS>")));
    expect(receipt.recordCount).toBe(0);
    expect(await http.fetchCheckReport({ institutionCode: CLINIC }, receipt.uploadId)).toEqual(new Uint8Array());
    await expect(http.fetchCheckReport(caller, receipt.uploadId)).rejects.toMatchObject({ status: 404 });
    await expect(http.fetchCheckReport(caller, receipt.uploadId)).rejects.toBeInstanceOf(NhiRequestError);
  });

  it("passes cards, issues offline IDs and verifies virtual cards", async () => {
    const pass = await http.passCard(caller, { nationalId: PATIENT.nationalId, visitCategory: "AF" });
    expect(w.sandbox.decodeVisitId(pass.visitId)?.institutionCode).toBe(PHARMACY);
    const off = await http.offlineVisitId(caller, PATIENT.nationalId, new Date(w.clock.now.getTime() - 60_000));
    expect(w.sandbox.decodeVisitId(off.visitId)?.offline).toBe(true);
    const issued = await w.sandbox.issueVirtualCard({ nationalId: PATIENT.nationalId });
    expect(await http.verifyVirtualCard(caller, issued.token)).toMatchObject({ valid: true });
    expect(await http.verifyVirtualCard(caller, issued.token)).toMatchObject({ valid: false, reason: "used" });
  });

  it("answers bad input with a 4xx request error carrying a bilingual message", async () => {
    const error = await sandboxHttp(server.url)
      .request("POST", "/v1/virtual-cards", undefined, { nationalId: "A123456788" })
      .catch((e: unknown) => e as NhiRequestError);
    expect(error).toBeInstanceOf(NhiRequestError);
    expect((error as NhiRequestError).status).toBe(400);
    expect((error as NhiRequestError).detail?.zh).toContain("身分證號");
  });

  it("seeds scenarios and switches faults over HTTP", async () => {
    const seeded = (await (
      await fetch(`${server.url}/v1/scenarios`, { method: "POST", body: JSON.stringify({ pharmacyCode: PHARMACY }) })
    ).json()) as { cases: { chronicFresh: { originalVisitId: string } } };
    const s = await http.prescriptionStatus(caller, seeded.cases.chronicFresh.originalVisitId);
    expect(s.found).toBe(true);
    await fetch(`${server.url}/v1/faults`, { method: "PUT", body: JSON.stringify({ serverError: 502 }) });
    await expect(http.prescriptionStatus(caller, seeded.cases.chronicFresh.originalVisitId)).rejects.toThrow(/502/);
    await fetch(`${server.url}/v1/faults`, { method: "DELETE" });
    expect(await http.ping()).toBe(true);
  });
});

describe("faults on demand", () => {
  it("5xx, dropped connections and timeouts become NhiUnavailableError on both adapters", async () => {
    const rx = await w.prescribe();
    for (const settings of [{ serverError: true }, { drop: true }] as const) {
      w.sandbox.faults.set(settings);
      for (const client of [http, w.sandbox.client]) {
        await expect(client.prescriptionStatus(caller, rx.mb1.M15!)).rejects.toBeInstanceOf(NhiUnavailableError);
        expect(await client.ping()).toBe(false);
      }
    }
    w.sandbox.faults.set({ slowMs: 400 });
    const impatient = createHttpNhiClient(server.url, { timeoutMs: 150 });
    await expect(impatient.prescriptionStatus(caller, rx.mb1.M15!)).rejects.toThrow(/timed out/);
    w.sandbox.faults.clear();
    expect(await http.ping()).toBe(true);
  });

  it("in-process: slow below the timeout just answers later; at or above it times out", async () => {
    const sandbox = await createSandbox({ key: "rxdesk-sandbox-test-key", timeoutMs: 50 });
    try {
      sandbox.faults.set({ slowMs: 10 });
      expect(await sandbox.client.ping()).toBe(true);
      sandbox.faults.set({ slowMs: 60 });
      await expect(sandbox.client.prescriptionStatus(caller, "ZZZZZZZZZZZZZZZZZZZZ")).rejects.toThrow(/timed out/);
    } finally {
      await sandbox.close();
    }
  });

  it("limits faults to named operations", async () => {
    w.sandbox.faults.set({ serverError: true, only: ["upload"] });
    expect(await http.ping()).toBe(true);
    await expect(http.upload(caller, new Uint8Array())).rejects.toBeInstanceOf(NhiUnavailableError);
    await expect(w.sandbox.client.upload(caller, new Uint8Array())).rejects.toBeInstanceOf(NhiUnavailableError);
  });

  it("garbles the check report (both adapters) until cleared", async () => {
    const rx = await w.prescribe();
    const bad = { ...rx, mb1: { ...rx.mb1, M03: undefined } };
    const { uploadId } = await w.upload(CLINIC, [bad]);
    const clinic = { institutionCode: CLINIC };
    const clean = await http.fetchCheckReport(clinic, uploadId);
    expect(parseCheckReport(clean!)[0]!.errors.map((e) => e.code)).toContain("AA");
    w.sandbox.faults.set({ garbledReport: true });
    for (const client of [http, w.sandbox.client]) {
      const garbled = await client.fetchCheckReport(clinic, uploadId);
      expect(Buffer.from(garbled!).equals(Buffer.from(clean!))).toBe(false);
      expect(garbled!.length).toBeLessThan(clean!.length);
    }
  });

  it("an unreachable sandbox is NhiUnavailableError, and ping says false", async () => {
    await server.close();
    expect(await http.ping()).toBe(false);
    await expect(http.prescriptionStatus(caller, "ZZZZZZZZZZZZZZZZZZZZ")).rejects.toBeInstanceOf(NhiUnavailableError);
    server = await w.sandbox.listen(0);
  });

  it("rejects nonsense fault settings", () => {
    expect(() => w.sandbox.faults.set({ serverError: 404 })).toThrow(/5xx/);
    expect(() => w.sandbox.faults.set({ slowMs: -1 })).toThrow(/non-negative/);
  });
});
