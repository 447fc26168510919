/**
 * One counter process for the crash tests, run as a child and killed with SIGKILL by the parent.
 *
 *   counter-child.ts work <db file> <nhi url> <cases json> <step>
 *     dispenses each case's next refill (with the patient's card), then runs the outbox once. Prints `AT <step>`
 *     where the parent may kill it: `in-transaction` (inside the dispensing transaction, after the claim),
 *     `after-commit` (after the first dispensing committed, before the second and before any upload). The other
 *     steps are killed by the parent at the NHI tap. Prints `DONE` when it got through.
 *   counter-child.ts recover <db file> <nhi url> <cases json>
 *     a fresh start on the same file: scans and dispenses the same refills again (the pharmacist retries after
 *     the crash), runs the outbox until nothing waits and prints `SUMMARY <json>` of what the database holds.
 */
import { openDatabase } from "../../../src/db/open.js";
import type { ScenarioCase } from "../../../src/nhi/sandbox/index.js";
import { createHttpNhiClient } from "../../../src/nhi/sandbox/index.js";
import { DispensingService } from "../../../src/service/dispensing-service.js";
import { COUNTER_PHARMACIST, COUNTER_PHARMACY } from "./counter.js";

const [mode, file, nhiUrl, casesJson, step] = process.argv.slice(2);
if (!mode || !file || !nhiUrl || !casesJson) throw new Error("usage: counter-child.ts work|recover <db> <url> <cases>");
const cases = JSON.parse(casesJson) as ScenarioCase[];
const say = (line: string) => process.stdout.write(`${line}\n`);
const hang = () =>
  new Promise<never>(() => {
    setInterval(() => undefined, 1000);
  });

const db = await openDatabase({ engine: "sqlite", file });
const service = new DispensingService({
  db: db.db,
  engine: "sqlite",
  nhi: createHttpNhiClient(nhiUrl, { timeoutMs: 10_000, institutionCode: COUNTER_PHARMACY.pharmacyCode }),
  pharmacy: COUNTER_PHARMACY,
  // A claim left by a killed run is taken over at once; failed uploads are retried at once.
  outbox: { leaseMs: 1, baseBackoffMs: 1, maxBackoffMs: 1 },
  hooks: {
    afterClaim: async () => {
      if (mode !== "work" || step !== "in-transaction") return;
      say("AT in-transaction");
      await hang();
    },
  },
});

const dispenseAll = async () => {
  const outcomes: boolean[] = [];
  for (const c of cases) {
    const result = await service.dispense({
      visitIdInput: c.originalVisitId,
      refillNo: c.nextRefillNo,
      pharmacistId: COUNTER_PHARMACIST,
      card: { source: "ic-card", nationalId: c.nationalId, cardNumber: "000012345678", birthDate: c.birthDate },
    });
    outcomes.push(result.ok);
    if (mode === "work" && step === "after-commit") {
      say("AT after-commit");
      await hang();
    }
  }
  return outcomes;
};

if (mode === "work") {
  await dispenseAll();
  await service.runOutbox();
  say("DONE");
} else {
  const redispensed = await dispenseAll();
  for (let round = 0; round < 20; round++) {
    await service.runOutbox();
    const waiting = await db.db
      .selectFrom("outbox")
      .select("id")
      .where("state", "in", ["pending", "uploading", "uploaded"])
      .execute();
    if (waiting.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const dispensings = await db.db
    .selectFrom("dispensings")
    .select(["visit_id", "original_visit_id", "refill_no", "status"])
    .execute();
  const outbox = await db.db.selectFrom("outbox").select(["visit_id", "state", "rejections_json"]).execute();
  say(`SUMMARY ${JSON.stringify({ redispensed, dispensings, outbox })}`);
}
await service.close();
await db.close();
