import { describe, expect, it } from "vitest";
import type { PrescriptionStatus } from "../nhi/client.js";
import { type DecisionInput, decide, type LocalDispensingFact } from "./decision.js";
import type { RocDate, RocDateTime } from "./roc-date.js";
import { parseVisitId } from "./visit-id.js";

const M16 = "1BYFWZQ21QQXY3B54X0L";
const US = "5901012345";
const X = "5901019999";

function status(over: Partial<PrescriptionStatus> = {}): PrescriptionStatus {
  return {
    originalVisitId: M16,
    prescriberInstitutionCode: "1101110026",
    originalSequenceNumber: "0012",
    originalVisitDateTime: "1130301093000" as RocDateTime,
    nationalId: "A123456789",
    chronic: true,
    refillCount: 3,
    daysPerRefill: 28,
    orders: [],
    refills: [1, 2, 3].map((n) => ({ refillNo: n, state: "undispensed" as const, events: [] })),
    ...over,
  };
}

function input(over: Omit<Partial<DecisionInput>, "today"> & { today?: string } = {}): DecisionInput {
  return {
    parsed: parseVisitId(M16),
    card: { source: "ic-card", nationalId: "A123456789" },
    now: new Date("2024-03-21T02:00:00Z"),
    today: (over.today ?? "1130321") as RocDate,
    pharmacyCode: US,
    nhi: { reachable: true, result: { found: true, status: status() } },
    local: [],
    ...over,
  } as DecisionInput;
}

const mine = (refillNo: number, at: string, days = 28): LocalDispensingFact => ({
  refillNo,
  visitId: `V${refillNo}`,
  visitDateTime: at as RocDateTime,
  pharmacistId: "B123456780",
  days,
});
const blocks = (i: DecisionInput) =>
  decide(i)
    .reasons.filter((r) => r.severity === "block")
    .map((r) => r.code);

describe("decide", () => {
  it("dispenses refill 1 of an untouched prescription", () => {
    const d = decide(input());
    expect(d.outcome).toBe("dispense");
    expect(d.refillNo).toBe(1);
    expect(d.headline.en).toContain("refill 1");
  });

  it("blocks a refill before and after its window, allows it inside", () => {
    const local = [mine(1, "1130301100000")];
    // Refill 1 dispensed here normally is history, not a reason next to the real one.
    expect(blocks(input({ local, today: "1130318" }))).toEqual(["before-window"]);
    expect(decide(input({ local, today: "1130318" })).reasons.map((r) => r.code)).toEqual(["before-window"]);
    const inside = decide(input({ local, today: "1130319" }));
    expect(inside.outcome).toBe("dispense");
    expect(inside.window).toEqual({ from: "1130319", to: "1130328" });
    expect(blocks(input({ local, today: "1130329" }))).toEqual(["after-window"]);
    const before = decide(input({ local, today: "1130318" }));
    expect(before.reasons.find((r) => r.code === "before-window")!.message.zh).toContain("113/03/19～113/03/28");
  });

  it("blocks a prescription executed elsewhere with D025, naming the institution; earlier refills are history", () => {
    const s = status();
    s.refills[0] = {
      refillNo: 1,
      state: "dispensed",
      dispensedBy: X,
      dispensedAt: "1130320150000" as RocDateTime,
      days: 28,
      events: [],
    };
    const chronic = decide(
      input({ nhi: { reachable: true, result: { found: true, status: s } }, institutionName: () => "X藥局" }),
    );
    expect(chronic.refillNo).toBe(2);
    expect(chronic.reasons.map((r) => r.code)).toEqual(["before-window"]);
    expect(chronic.prescription!.refills[0]).toMatchObject({
      state: "dispensed",
      dispensedBy: X,
      dispensedHere: false,
    });
    const one = status({ chronic: false, refillCount: 1, refills: [{ ...s.refills[0]!, days: 3 }] });
    const d = decide(
      input({ nhi: { reachable: true, result: { found: true, status: one } }, institutionName: () => "X藥局" }),
    );
    const r = d.reasons.find((x) => x.code === "dispensed-elsewhere")!;
    expect(r.nhiCode).toBe("D025");
    expect(r.message.zh).toContain("X藥局 5901019999");
    expect(r.message.zh).toContain("113/03/20 15:00:00");
  });

  it("blocks out of order, cancelled, exhausted, over 90 days and the wrong person", () => {
    const s = status();
    s.refills[2] = {
      refillNo: 3,
      state: "dispensed",
      dispensedBy: X,
      dispensedAt: "1130320150000" as RocDateTime,
      events: [],
    };
    expect(blocks(input({ nhi: { reachable: true, result: { found: true, status: s } } }))).toEqual(["out-of-order"]);
    const c = status();
    c.refills[1] = { refillNo: 2, state: "cancelled", events: [] };
    expect(
      blocks(
        input({
          local: [mine(1, "1130301100000")],
          nhi: { reachable: true, result: { found: true, status: c } },
          today: "1130320",
        }),
      ),
    ).toEqual(["cancelled"]);
    const one = status({ chronic: false, refillCount: 1, refills: [] });
    expect(
      blocks(
        input({ local: [mine(1, "1130301100000", 3)], nhi: { reachable: true, result: { found: true, status: one } } }),
      ),
    ).toEqual(["dispensed-here"]);
    const all = [mine(1, "1130101100000"), mine(2, "1130129100000"), mine(3, "1130226100000")];
    expect(blocks(input({ local: all }))).toEqual(["refills-exhausted"]);
    const long = status({ refillCount: 4, daysPerRefill: 30, refills: [] });
    expect(blocks(input({ nhi: { reachable: true, result: { found: true, status: long } } }))).toEqual([
      "total-days-over-90",
    ]);
    expect(blocks(input({ card: { source: "virtual-card", nationalId: "B123456780" } }))).toEqual(["person-mismatch"]);
  });

  it("a refused chronic refill without a card is refused only: the card (and F9 to type the ID) cannot lift it", () => {
    const early = decide(input({ card: undefined, local: [mine(1, "1130301100000")], today: "1130318" }));
    expect(early.outcome).toBe("block");
    expect(early.reasons.map((r) => r.code)).toEqual(["before-window"]);
    expect(early.missingEvidence).toBeUndefined();
  });

  it("a chronic refill without identity evidence is card-needed, naming the action; never 可調劑", () => {
    const d = decide(input({ card: undefined }));
    expect(d.outcome).toBe("card-needed");
    expect(d.missingEvidence).toBe("patient-card");
    expect(d.headline.zh).toContain("需健保卡");
    expect(d.reasons.find((r) => r.code === "no-card-chronic")!.message.zh).toContain("插入健保卡");
    expect(d.evidence).toBeUndefined();
    // A one-off prescription does not wait for a card.
    const one = status({ chronic: false, refillCount: 1, refills: [] });
    expect(
      decide(input({ card: undefined, nhi: { reachable: true, result: { found: true, status: one } } })).outcome,
    ).toBe("dispense");
    // A blocking reason still wins.
    expect(decide(input({ card: undefined, today: "1130101" })).outcome).toBe("card-needed");
    const all = [mine(1, "1130101100000"), mine(2, "1130129100000"), mine(3, "1130226100000")];
    expect(decide(input({ card: undefined, local: all })).outcome).toBe("block");
  });

  it("an ID typed from the paper is evidence only with a reason, and says the card must follow", () => {
    const typed = (typedReason?: string) =>
      decide(input({ card: { source: "typed", nationalId: "A123456789", ...(typedReason ? { typedReason } : {}) } }));
    expect(typed().outcome).toBe("block");
    expect(typed().reasons.map((r) => r.code)).toEqual(["card-not-shown"]);
    const d = typed("病人忘記帶卡");
    expect(d.outcome).toBe("dispense");
    expect(d.evidence).toEqual({ source: "typed", nationalId: "A123456789" });
    expect(d.reasons.find((r) => r.code === "card-not-shown")).toMatchObject({ severity: "warning" });
    expect(d.reasons.find((r) => r.code === "card-not-shown")!.message.zh).toContain("病人忘記帶卡");
  });

  it("names the prescription's patient, never the holder of another person's card", () => {
    const other = { source: "ic-card" as const, nationalId: "B123456780", name: "林美玲" };
    const d = decide(input({ card: other }));
    expect(d.outcome).toBe("block");
    expect(d.prescription!.patientName).toBeUndefined();
    expect(decide(input({ card: other, patientName: "王小明" })).prescription!.patientName).toBe("王小明");
    const own = { source: "ic-card" as const, nationalId: "A123456789", name: "王小明" };
    expect(decide(input({ card: own })).prescription!.patientName).toBe("王小明");
  });

  it("treats our own deleted record that NHI still lists as undispensed", () => {
    const s = status();
    s.refills[0] = {
      refillNo: 1,
      state: "dispensed",
      dispensedBy: US,
      dispensedVisitId: "OLD",
      dispensedAt: "1130320150000" as RocDateTime,
      events: [],
    };
    const d = decide(input({ nhi: { reachable: true, result: { found: true, status: s } }, deletedVisitIds: ["OLD"] }));
    expect(d.outcome).toBe("dispense");
    expect(d.refillNo).toBe(1);
  });

  it("asks for an override on local data when NHI is unreachable, and blocks when nothing is known", () => {
    const d = decide(input({ nhi: { reachable: false, cached: status(), cachedAt: "113/03/20 10:00:00" } }));
    expect(d.outcome).toBe("override");
    expect(d.nhiReachable).toBe(false);
    expect(d.reasons[0]!.message.zh).toContain("113/03/20 10:00:00");
    expect(blocks(input({ nhi: { reachable: false } }))).toEqual(["unknown-offline"]);
  });

  it("warns about J000 for refill 2+ without M18, and SM00/MISS/D024 block", () => {
    const s = status({ originalSequenceNumber: undefined });
    const d = decide(
      input({ local: [mine(1, "1130301100000")], nhi: { reachable: true, result: { found: true, status: s } } }),
    );
    expect(d.outcome).toBe("dispense");
    expect(d.reasons.map((r) => r.code)).toContain("j000-fallback");
    expect(blocks(input({ parsed: parseVisitId("SM000000000000000000") }))).toEqual(["sm00"]);
    expect(blocks(input({ parsed: parseVisitId("MISS0000000000000000") }))).toEqual(["miss"]);
    expect(
      blocks(
        input({ nhi: { reachable: true, result: { found: false, code: "D024", message: { zh: "x", en: "x" } } } }),
      ),
    ).toEqual(["not-uploaded"]);
  });

  it("offers the paper entry where the scan cannot decide, and marks a G000 prescription", () => {
    const d024 = {
      reachable: true as const,
      result: { found: false as const, code: "D024" as const, message: { zh: "x", en: "x" } },
    };
    expect(decide(input({ nhi: d024 })).paperEntry).toBe("not-uploaded");
    expect(decide(input({ nhi: { reachable: false } })).paperEntry).toBe("nhi-unreachable");
    expect(decide(input({ parsed: parseVisitId("SM000000000000000000") })).paperEntry).toBe("sm00");
    expect(decide(input()).paperEntry).toBeUndefined();
    const g000 = decide(
      input({ nhi: { reachable: true, result: { found: true, status: status({ originalSequenceNumber: "G000" }) } } }),
    );
    expect(g000.reasons.find((r) => r.code === "g000-prescription")?.severity).toBe("info");
    expect(g000.reasons.map((r) => r.code)).not.toContain("j000-fallback");
  });
});
