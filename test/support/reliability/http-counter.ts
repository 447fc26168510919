/**
 * A counter wired as in production against NHI over HTTP: `createRxdesk` on a SQLite file in a temp folder, NHI =
 * a fresh sandbox listening on loopback, reached through the tap (so a test can spoil answers and count what
 * reaches NHI). Short NHI timeouts and no upload backoff, so faults show within a test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CardIdentity } from "../../../src/domain/identity.js";
import {
  createSandbox,
  type Sandbox,
  type ScenarioCase,
  type SeededScenarios,
} from "../../../src/nhi/sandbox/index.js";
import { createRxdesk, type Rxdesk } from "../../../src/service/bootstrap.js";
import type { DispenseResult } from "../../../src/service/types.js";
import { COUNTER_PHARMACIST, COUNTER_PHARMACY } from "./counter.js";
import { type NhiTap, startNhiTap } from "./nhi-tap.js";

export const NHI_TIMEOUT_MS = 400;

export interface HttpCounter {
  rx: Rxdesk;
  sandbox: Sandbox;
  tap: NhiTap;
  seeded: SeededScenarios;
  /** The identity the counter's reader produces for the case's patient. */
  card(c: ScenarioCase): CardIdentity;
  /** Checks, then dispenses the case's next refill with the patient's card (with an override reason when the
   * decision asks for one). */
  dispense(c: ScenarioCase, refillNo?: number): Promise<DispenseResult>;
  /** Runs the outbox until nothing waits (at most `rounds` runs); returns the number of runs. */
  drain(rounds?: number): Promise<number>;
  close(): Promise<void>;
}

export async function startHttpCounter(name: string): Promise<HttpCounter> {
  const dir = mkdtempSync(join(tmpdir(), `rxdesk-reliability-${name}-`));
  const sandbox = await createSandbox();
  const listening = await sandbox.listen(0);
  await sandbox.registerInstitution({ code: COUNTER_PHARMACY.pharmacyCode, kind: "pharmacy" });
  const seeded = await sandbox.seedScenarios({ pharmacyCode: COUNTER_PHARMACY.pharmacyCode });
  const tap = await startNhiTap(listening.url);
  const rx = await createRxdesk({
    dataDir: dir,
    nhiUrl: tap.url,
    nhiTimeoutMs: NHI_TIMEOUT_MS,
    pharmacy: COUNTER_PHARMACY,
    outbox: { baseBackoffMs: 1, maxBackoffMs: 1, leaseMs: 1, timeoutMs: NHI_TIMEOUT_MS },
  });
  const card = (c: ScenarioCase): CardIdentity => ({
    source: "ic-card" as const,
    nationalId: c.nationalId,
    cardNumber: "000012345678",
    birthDate: c.birthDate,
  });
  return {
    rx,
    sandbox,
    tap,
    seeded,
    card,
    async dispense(c, refillNo = c.nextRefillNo) {
      const decision = await rx.service.check({ visitIdInput: c.originalVisitId, card: card(c) });
      return rx.service.dispense({
        visitIdInput: c.originalVisitId,
        refillNo,
        pharmacistId: COUNTER_PHARMACIST,
        card: card(c),
        ...(decision.outcome === "override" ? { override: { reason: "健保署連線中斷，病人急需用藥" } } : {}),
      });
    },
    async drain(rounds = 20) {
      for (let round = 1; round <= rounds; round++) {
        await rx.service.runOutbox();
        const status = await rx.service.outboxStatus();
        if (status.waiting === 0) return round;
      }
      return rounds;
    },
    async close() {
      await rx.close();
      await tap.close();
      await listening.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
