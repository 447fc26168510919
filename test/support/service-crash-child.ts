/**
 * Child process for the crash tests, on the given SQLite file and a sandbox kept beside it (so a second child sees
 * the same prescriptions). Modes:
 * - `hang`: dispenses a scenario refill and stops inside the dispensing transaction (after the refill is claimed,
 *   before the outbox entry), tells the parent `CLAIMED <dispensing id>` and waits to be killed with SIGKILL;
 * - `finish`: the same dispensing, allowed to finish;
 * - `check-hang`: checks the prescription while the statement that stores NHI's answer is held, tells the parent
 *   `CHECKED <outcome>` once the check has answered, and waits to be killed with SIGKILL;
 * - `check`: the same check, allowed to store its copy.
 */
import { openDatabase } from "../../src/db/open.js";
import { createSandbox } from "../../src/nhi/sandbox/index.js";
import { DispensingService } from "../../src/service/dispensing-service.js";
import { holdStatusStores } from "./held-stores.js";
import { PHARMACIST, PHARMACY } from "./service-harness.js";

const MODES = ["hang", "finish", "check-hang", "check"] as const;
const [file, mode] = process.argv.slice(2) as [string | undefined, (typeof MODES)[number]];
if (!file || !MODES.includes(mode)) throw new Error(`usage: crash-child.ts <db file> <${MODES.join("|")}>`);

const forever = () =>
  new Promise<never>(() => {
    setInterval(() => undefined, 1000);
  });

const db = await openDatabase({ engine: "sqlite", file });
const sandbox = await createSandbox({ file: `${file}.nhi` });
await sandbox.registerInstitution({ code: PHARMACY.pharmacyCode, kind: "pharmacy", name: PHARMACY.name });
const scenarios = await sandbox.seedScenarios({ pharmacyCode: PHARMACY.pharmacyCode });
const c = scenarios.cases.chronicFresh;
const card = {
  source: "ic-card" as const,
  nationalId: c.nationalId,
  cardNumber: "000012345678",
  birthDate: c.birthDate,
};

// The status store never runs: the check's copy stays queued until the parent kills this process.
if (mode === "check-hang") holdStatusStores(db.db);

const service = new DispensingService({
  db: db.db,
  engine: "sqlite",
  nhi: sandbox.client,
  pharmacy: PHARMACY,
  hooks: {
    afterClaim: async (id) => {
      if (mode !== "hang") return;
      process.stdout.write(`CLAIMED ${id}\n`);
      await forever();
    },
  },
});

if (mode === "check" || mode === "check-hang") {
  const decision = await service.check({ visitIdInput: c.originalVisitId, card });
  process.stdout.write(`CHECKED ${decision.outcome}\n`);
  if (mode === "check-hang") await forever();
} else {
  const result = await service.dispense({
    visitIdInput: c.originalVisitId,
    refillNo: 1,
    pharmacistId: PHARMACIST,
    card,
  });
  process.stdout.write(`DONE ${JSON.stringify({ ok: result.ok })}\n`);
}
await service.close();
await sandbox.close();
