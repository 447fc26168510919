import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRxdesk } from "../../../test/support/process.js";
import { loadCardFixtures } from "../../card/virtual-card/fixture.js";
import type { DemoCase } from "../../demo/cases.js";
import { DEMO_PATIENTS } from "../../nhi/sandbox/demo-patients.js";

const dir = mkdtempSync(join(tmpdir(), "rxdesk-demo-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rxdesk demo list", { timeout: 120_000 }, () => {
  it("seeds on first use, lists every scenario with its patient's virtual card, and lists the same again", async () => {
    const first = await runRxdesk("demo", "list", "--json", "--data-dir", dir);
    expect(first.code, first.err).toBe(0);
    const cases = JSON.parse(first.out) as DemoCase[];
    // Every scenario the sandbox seeds (the list is pinned in scenarios.test.ts), each with its patient's card.
    expect(cases.map((c) => c.scenario).sort()).toEqual(Object.keys(DEMO_PATIENTS).sort());
    expect(cases.map((c) => c.scenario)).toContain("notYetUploaded");
    const cards = loadCardFixtures();
    const profiles = new Set<string>();
    for (const c of cases) {
      expect(c.visitId).toMatch(/^[0-9A-HJ-NP-Z]{20}$/);
      expect(typeof c.chronic).toBe("boolean");
      expect(c.refillCount).toBe(c.chronic ? 3 : 1);
      // The card the profile inserts is the prescription's patient: same national ID, same name.
      const card = cards.get(c.cardProfile);
      expect(card?.expect, c.cardProfile).toMatchObject({
        ok: true,
        identity: { nationalId: c.patientNationalId, name: c.patientName },
      });
      profiles.add(c.cardProfile);
    }
    expect(profiles.size).toBe(cases.length);
    expect(cases.find((c) => c.scenario === "chronicFresh")).toMatchObject({
      patientName: "王小明",
      cardProfile: "citizen-wang",
    });

    const again = await runRxdesk("demo", "list", "--json", "--data-dir", dir);
    expect(JSON.parse(again.out)).toEqual(cases);

    const table = await runRxdesk("demo", "list", "--lang", "en", "--data-dir", dir);
    expect(table.code).toBe(0);
    expect(table.out).toContain("rxdesk card virtual --profile citizen-chou");
    expect(table.out).toContain("notYetUploaded");
  });
});
