import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { msg } from "../src/domain/message.js";
import type { DecisionReason, DispensingServiceApi } from "../src/service/types.js";
import { RX_OK } from "../test/support/counter-data.js";
import { FakeService } from "../test/support/fake-service.js";
import { gate, KEY, renderApp } from "../test/support/ink-harness.js";

afterEach(() => cleanup());

/**
 * Scans, presses F9 and holds the dispense answer (a refusal with `reason` and the fresh decision) until a key has
 * been typed in the scan field; resolves with the screen once the answer has landed.
 */
async function typeWhileDispensing(reason: DecisionReason) {
  const service = new FakeService();
  const app = renderApp({ service });
  await app.press(`${RX_OK}\r`);
  await app.waitFor("F9 確認調劑");
  const held = gate();
  let started = false;
  // Typed as the contract: the fake's own dispense answers a narrower set of results.
  const api: DispensingServiceApi = service;
  api.dispense = async (request) => {
    service.calls.push({ method: "dispense", args: request });
    started = true;
    await held.wait;
    const fresh = await service.check({ visitIdInput: request.visitIdInput, card: request.card });
    return { ok: false, kind: "conflict", decision: fresh, reasons: [reason] };
  };
  await app.press(KEY.f9);
  await vi.waitFor(() => expect(started).toBe(true));
  await app.press("K");
  held.release();
  return { app, service, screen: await app.waitFor("輸入中") };
}

describe("a dispense answer that lands while the pharmacist types", () => {
  it("a changed decision stays set aside, F9 off, until Enter checks the new input", async () => {
    const { app, service, screen } = await typeWhileDispensing({
      code: "decision-changed",
      severity: "block",
      message: msg("判斷已變更，請重新確認", "The decision changed: confirm again"),
    });
    expect(screen).not.toContain("F9 確認調劑");
    await app.press(KEY.f9);
    expect(service.callsOf("dispense")).toHaveLength(1);
  });

  it("a refusal stays set aside too", async () => {
    const { screen } = await typeWhileDispensing({
      code: "dispensed-elsewhere",
      severity: "block",
      nhiCode: "D025",
      message: msg("第2次已於他院所調劑", "refill 2 was dispensed elsewhere"),
    });
    expect(screen).not.toContain("未調劑");
  });
});
