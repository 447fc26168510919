/**
 * Child process for the crash test: dispenses a scenario refill into the given SQLite file. With `hang` it stops
 * inside the dispensing transaction (after the refill is claimed, before the outbox entry), tells the parent
 * `CLAIMED <dispensing id>` and waits to be killed with SIGKILL.
 */
import { openDatabase } from "../../src/db/open.js";
import { createSandbox } from "../../src/nhi/sandbox/index.js";
import { DispensingService } from "../../src/service/dispensing-service.js";
import { PHARMACIST, PHARMACY } from "./service-harness.js";

const [file, mode] = process.argv.slice(2);
if (!file) throw new Error("usage: crash-child.ts <db file> [hang|finish]");
const db = await openDatabase({ engine: "sqlite", file });
const sandbox = await createSandbox();
await sandbox.registerInstitution({ code: PHARMACY.pharmacyCode, kind: "pharmacy", name: PHARMACY.name });
const scenarios = await sandbox.seedScenarios({ pharmacyCode: PHARMACY.pharmacyCode });
const c = scenarios.cases.chronicFresh;
const service = new DispensingService({
  db: db.db,
  engine: "sqlite",
  nhi: sandbox.client,
  pharmacy: PHARMACY,
  hooks: {
    afterClaim: async (id) => {
      if (mode !== "hang") return;
      process.stdout.write(`CLAIMED ${id}\n`);
      await new Promise(() => {
        setInterval(() => undefined, 1000);
      });
    },
  },
});
const result = await service.dispense({
  visitIdInput: c.originalVisitId,
  refillNo: 1,
  pharmacistId: PHARMACIST,
  card: { source: "ic-card", nationalId: c.nationalId, cardNumber: "000012345678", birthDate: c.birthDate },
});
process.stdout.write(`DONE ${JSON.stringify({ ok: result.ok })}\n`);
await service.close();
await sandbox.close();
