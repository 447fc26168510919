/** The instrument endpoints over HTTP: seeded prescriptions as asked for, and clear 4xx answers for bad bodies. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpNhiCentral, createSandbox, type ListeningSandbox, type Sandbox } from "./index.js";

let sandbox: Sandbox;
let server: ListeningSandbox;
beforeEach(async () => {
  sandbox = await createSandbox({ now: () => new Date("2025-03-03T02:00:00Z") });
  server = await sandbox.listen(0);
});
afterEach(async () => {
  await server.close();
  await sandbox.close();
});

const caller = { institutionCode: "5901010001" };

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

describe("POST /v1/prescriptions", () => {
  it("seeds what was asked: refill count, days, the prescriber's name, M18 known or not", async () => {
    const seeded = await call("POST", "/v1/prescriptions", {
      prescriberCode: "3509990001",
      prescriberName: "測試診所",
      nationalId: "A123456789",
      refillCount: 2,
      days: 30,
      sequenceNumber: null,
    });
    expect(seeded.status).toBe(201);
    const m16 = (seeded.json as { originalVisitId: string }).originalVisitId;
    const status = await createHttpNhiCentral(server.url).prescriptionStatus(caller, m16);
    expect(status.found && status.status).toMatchObject({
      prescriberName: "測試診所",
      refillCount: 2,
      daysPerRefill: 30,
    });
    expect(status.found && status.status.originalSequenceNumber).toBeUndefined();
  });

  it("not uploaded yet: the status answers D024", async () => {
    const seeded = await call("POST", "/v1/prescriptions", {
      prescriberCode: "3509990001",
      nationalId: "A123456789",
      upload: false,
    });
    const m16 = (seeded.json as { originalVisitId: string; uploaded: boolean }).originalVisitId;
    expect(seeded.json).toMatchObject({ uploaded: false });
    expect(await createHttpNhiCentral(server.url).prescriptionStatus(caller, m16)).toMatchObject({ code: "D024" });
  });

  it("a G000 new-contract clinic: H01=B with M13=G000 and an offline visit ID, accepted centrally", async () => {
    const seeded = await call("POST", "/v1/prescriptions", {
      prescriberCode: "3509990002",
      prescriberName: "新開業診所",
      nationalId: "A123456789",
      newContract: true,
    });
    expect(seeded.status).toBe(201);
    const m16 = (seeded.json as { originalVisitId: string }).originalVisitId;
    expect(sandbox.decodeVisitId(m16)).toMatchObject({ institutionCode: "3509990002", offline: true });
    expect(sandbox.institution("3509990002")?.newContractSince).toBe("1140303");
    const status = await createHttpNhiCentral(server.url).prescriptionStatus(caller, m16);
    expect(status.found && status.status.originalSequenceNumber).toBe("G000");
  });

  it("refuses a bad body with a bilingual 400 and changes nothing", async () => {
    const before = await call("GET", "/v1/state");
    const bad = await call("POST", "/v1/prescriptions", {
      prescriberCode: "3509990001",
      nationalId: "A123456789",
      refillCount: 7,
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: { zh: expect.stringContaining("1～4"), en: expect.stringContaining("1 to 4") },
    });
    const unknown = await call("POST", "/v1/prescriptions", {
      prescriberCode: "3509990001",
      nationalId: "A123456789",
      color: 1,
    });
    expect(unknown.status).toBe(400);
    expect(await call("GET", "/v1/state")).toEqual(before);
  });
});
