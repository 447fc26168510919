/**
 * The NHI boundary's contract (src/nhi/README.md), run against every implementation rxdesk ships: the in-process
 * sandbox and the standalone sandbox over HTTP with the control software installed locally. Central answers and
 * card passes; with central cut, the card pass fails as unavailable while API 1.54 keeps issuing visit IDs that
 * central accepts on an abnormal upload once it is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLINIC, createWorld, PATIENT, PHARMACIST, PHARMACY, type World } from "../../test/support/sandbox-world.js";
import { rocDateTimeFromDate } from "../domain/roc-date.js";
import { type NhiClient, NhiUnavailableError } from "./client.js";
import { createHttpNhiClient } from "./sandbox/index.js";
import { dispensingInputFor, dispensingRecord } from "./sandbox/records.js";
import type { ListeningSandbox } from "./sandbox/types.js";

interface Transport {
  name: string;
  /** The client under test, for a world whose sandbox it talks to. */
  open(w: World): Promise<NhiClient>;
  /** Makes central unreachable the way this transport really fails. */
  cutCentral(w: World): Promise<void>;
  restoreCentral(w: World): Promise<void>;
  close(): Promise<void>;
}

function inProcess(): Transport {
  return {
    name: "in-process sandbox",
    open: async (w) => w.sandbox.client,
    cutCentral: async (w) => w.sandbox.faults.set({ serverError: true }),
    restoreCentral: async (w) => w.sandbox.faults.clear(),
    close: async () => {},
  };
}

function overHttp(): Transport {
  let server: ListeningSandbox | undefined;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), "rxdesk-contract-"));
  return {
    name: "sandbox over HTTP",
    async open(w) {
      server = await w.sandbox.listen(0);
      port = server.port;
      return createHttpNhiClient(server.url, {
        timeoutMs: 2_000,
        controlSoftwareFile: join(dir, "control-software.json"),
        now: () => w.clock.now,
      });
    },
    // A real outage: nobody listens on the port any more.
    async cutCentral() {
      await server?.close();
      server = undefined;
    },
    async restoreCentral(w) {
      server = await w.sandbox.listen(port);
    },
    async close() {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each([inProcess, overHttp])("NHI contract: %o", (make) => {
  let w: World;
  let t: Transport;
  let nhi: NhiClient;
  const caller = { institutionCode: PHARMACY };
  beforeEach(async () => {
    w = await createWorld();
    t = make();
    nhi = await t.open(w);
  });
  afterEach(async () => {
    await t.close();
    await w.close();
  });

  it("central: upload with its report, status by M16 (D024, D074, found), virtual cards, ping", async () => {
    expect(await nhi.ping()).toBe(true);
    const rx = await w.prescribe();
    const unknown = await nhi.prescriptionStatus(caller, rx.mb1.M15!);
    expect(unknown).toMatchObject({ found: false, code: "D024" });
    expect(await nhi.prescriptionStatus(caller, "0".repeat(20))).toMatchObject({ found: false, code: "D074" });
    expect((await w.upload(CLINIC, [rx], nhi)).codes).toEqual([]);
    const found = await nhi.prescriptionStatus(caller, rx.mb1.M15!);
    expect(found.found && found.status).toMatchObject({
      originalVisitId: rx.mb1.M15,
      prescriberInstitutionCode: CLINIC,
      prescriberName: "健保示範診所",
      refillCount: 3,
    });
    const issued = await w.sandbox.issueVirtualCard({ nationalId: PATIENT.nationalId });
    expect(await nhi.verifyVirtualCard(caller, issued.token)).toMatchObject({ valid: true, sequencePrefix: "V" });
    expect(await nhi.verifyVirtualCard(caller, issued.token)).toMatchObject({ valid: false, reason: "used" });
  });

  it("control software: the card pass gives a visit ID central decodes to this person, place and time", async () => {
    const pass = await nhi.passCard(caller, { nationalId: PATIENT.nationalId, visitCategory: "AF", at: w.clock.now });
    expect(pass.sequenceNumber).toBeUndefined();
    expect(pass.visitDateTime).toBe(rocDateTimeFromDate(w.clock.now));
    expect(w.sandbox.decodeVisitId(pass.visitId)).toEqual({
      nationalId: PATIENT.nationalId,
      institutionCode: PHARMACY,
      visitDateTime: pass.visitDateTime,
      offline: false,
    });
  });

  it("central cut: status and card pass are unavailable, API 1.54 still works and its record is accepted later", async () => {
    const rx = await w.prescribe();
    expect((await w.upload(CLINIC, [rx], nhi)).codes).toEqual([]);
    // The control software was installed while NHI answered (first card pass of the day).
    await nhi.passCard(caller, { nationalId: PATIENT.nationalId, visitCategory: "AF" });
    await t.cutCentral(w);

    expect(await nhi.ping()).toBe(false);
    await expect(nhi.prescriptionStatus(caller, rx.mb1.M15!)).rejects.toBeInstanceOf(NhiUnavailableError);
    await expect(nhi.passCard(caller, { nationalId: PATIENT.nationalId, visitCategory: "AF" })).rejects.toBeInstanceOf(
      NhiUnavailableError,
    );
    const offline = await nhi.offlineVisitId(caller, PATIENT.nationalId, w.clock.now);
    expect(offline.visitDateTime).toBe(rocDateTimeFromDate(w.clock.now));

    await t.restoreCentral(w);
    expect(w.sandbox.decodeVisitId(offline.visitId)).toMatchObject({ institutionCode: PHARMACY, offline: true });
    const record = dispensingRecord({
      ...dispensingInputFor(
        rx,
        { samId: "", signature: "", ...offline },
        { pharmacyCode: PHARMACY, pharmacistId: PHARMACIST, cardNumber: "", refillNo: 1 },
      ),
      abnormalCode: "A020",
    });
    expect((await w.upload(PHARMACY, [record], nhi)).codes).toEqual([]);
    const after = await nhi.prescriptionStatus(caller, rx.mb1.M15!);
    expect(after.found && after.status.refills[0]).toMatchObject({
      state: "dispensed",
      dispensedVisitId: offline.visitId,
    });
  });
});
