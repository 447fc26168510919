/** A demo prescription as the help screen lists it (tests change what they look at). */
import type { DemoCase } from "../../ui-terminal/screens/Help.js";

export function demoCase(overrides: Partial<DemoCase> = {}): DemoCase {
  return {
    scenario: "chronicFresh",
    visitId: "KGZWREFK9ZTF9KNWHWLU",
    patientNationalId: "A123456789",
    patientName: "王小明",
    chronic: true,
    refillCount: 3,
    nextRefillNo: 1,
    cardProfile: "citizen-wang",
    description: { zh: "診所昨日開立慢性病連續處方箋", en: "Clinic issued a chronic prescription yesterday" },
    expected: { zh: "第1次可調劑", en: "Refill 1 can be dispensed" },
    ...overrides,
  };
}
