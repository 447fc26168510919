/** The refill log's patient filters: by part of the name, by national ID, together, on both engines. */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type EngineName, type Harness } from "../../../test/support/service-harness.js";
import { rocDateFromDate } from "../../domain/roc-date.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each<EngineName>(["sqlite", "postgres"])("refill log patient filter on %s", (engine) => {
  it("narrows the log to patients whose name contains the text, literally", async () => {
    h = await createHarness(engine);
    const { chronicFresh, cancelledRestored, oneOff } = h.scenarios.cases;
    // 王小明, 陳志明, 吳俊傑.
    expect((await h.dispenseHere(chronicFresh, 1)).ok).toBe(true);
    expect((await h.dispenseHere(cancelledRestored, 3)).ok).toBe(true);
    expect((await h.dispenseHere(oneOff, 1)).ok).toBe(true);
    const today = rocDateFromDate(h.now());
    const patientsOf = async (query: { patientName?: string; nationalId?: string }) => {
      const events = await h!.service.refillLog({ from: today, to: today, types: ["dispensed"], ...query });
      return [...new Set(events.map((e) => e.nationalId))].sort();
    };
    expect(await patientsOf({})).toEqual(
      [chronicFresh.nationalId, cancelledRestored.nationalId, oneOff.nationalId].sort(),
    );
    expect(await patientsOf({ patientName: "小明" })).toEqual([chronicFresh.nationalId]);
    expect(await patientsOf({ patientName: " 明 " })).toEqual(
      [chronicFresh.nationalId, cancelledRestored.nationalId].sort(),
    );
    expect(await patientsOf({ patientName: "明", nationalId: cancelledRestored.nationalId })).toEqual([
      cancelledRestored.nationalId,
    ]);
    // LIKE's wildcards are letters here, not patterns.
    expect(await patientsOf({ patientName: "%" })).toEqual([]);
    expect(await patientsOf({ patientName: "王_明" })).toEqual([]);
    expect(await patientsOf({ patientName: "   " })).toHaveLength(3);
  });
});
