/**
 * `rxdesk sandbox …` as a tester drives it against a running sandbox: seeding twice, the clock, a prescription of
 * one's own, another pharmacy's dispensing, cancel and restore as the prescriber, and the list of what it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRxdesk } from "../../../test/support/process.js";
import { createSandbox, type ListeningSandbox, type Sandbox } from "../../nhi/sandbox/index.js";

const PHARMACY = "5901010001";
const CLINIC = "3509990001";
const PATIENT = "A123456789";
let sandbox: Sandbox;
let server: ListeningSandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
  server = await sandbox.listen(0);
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

async function rx(...args: string[]): Promise<unknown> {
  const result = await runRxdesk("sandbox", ...args, "--url", server.url);
  expect(result.err).not.toMatch(/\n\s+at /); // never a stack trace
  expect(result.code, result.err).toBe(0);
  return JSON.parse(result.out);
}

/** The clock's answer to the minute (it runs on while the test runs). */
const clockAt = (answer: unknown) => (answer as { now: string }).now.slice(0, 16);

describe("rxdesk sandbox as a test instrument", { timeout: 120_000 }, () => {
  it("seeds twice with the same answer, sets the clock, seeds, dispenses elsewhere, cancels, restores, lists", async () => {
    const first = await rx("seed", "--pharmacy", PHARMACY);
    expect(await rx("seed", "--pharmacy", PHARMACY)).toEqual(first);

    expect(clockAt(await rx("clock", "--set", "1140301090000"))).toBe("2025-03-01T01:00");
    expect(clockAt(await rx("clock", "--advance-days", "2"))).toBe("2025-03-03T01:00");

    const seeded = (await rx(
      "prescribe",
      "--prescriber",
      CLINIC,
      "--prescriber-name",
      "測試診所",
      "--national-id",
      PATIENT,
      "--refills",
      "3",
      "--without-sequence-number",
    )) as { originalVisitId: string; originalSequenceNumber?: string };
    expect(seeded.originalSequenceNumber).toBeUndefined();
    const m16 = seeded.originalVisitId;

    expect(
      await rx(
        "dispense-elsewhere",
        "--visit-id",
        m16,
        "--institution",
        "5901018888",
        "--name",
        "他院藥局",
        "--refill",
        "1",
      ),
    ).toMatchObject({
      accepted: true,
      codes: [],
    });
    expect(await rx("cancel", "--visit-id", m16, "--refill", "3")).toEqual({ accepted: true, codes: [] });
    expect(await rx("cancel", "--visit-id", m16, "--refill", "3")).toEqual({ accepted: false, codes: ["M33:D001"] });
    expect(await rx("restore", "--visit-id", m16, "--refill", "3")).toEqual({ accepted: true, codes: [] });

    const held = (await rx("list")) as { now: string; prescriptions: { originalVisitId: string }[] };
    expect(Date.parse(held.now)).toBeGreaterThan(Date.parse("2025-03-03T00:59:00Z"));
    expect(held.prescriptions.find((p) => p.originalVisitId === m16)).toMatchObject({
      prescriber: { code: CLINIC, name: "測試診所" },
      refills: [
        { refillNo: 1, state: "dispensed", dispensedBy: { code: "5901018888", name: "他院藥局" } },
        { refillNo: 2, state: "undispensed" },
        { refillNo: 3, state: "undispensed" },
      ],
    });
  });

  it("answers bad input and an unreachable sandbox with a message, not a stack trace", async () => {
    const bad = await runRxdesk(
      "sandbox",
      "prescribe",
      "--url",
      server.url,
      "--prescriber",
      CLINIC,
      "--national-id",
      "A123456788",
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/HTTP 400/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const gone = await runRxdesk("sandbox", "list", "--url", "http://127.0.0.1:9");
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/cannot be reached/);
    expect(gone.err).not.toMatch(/\n\s+at /);
  });
});
