/**
 * The demo cases as a first-time user sees them: on the counter's help screen (F1) and from `rxdesk demo list`.
 * One row per seeded scenario, with the virtual card that belongs to its patient.
 */
import type { Message } from "../domain/message.js";
import { DEMO_PATIENTS } from "../nhi/sandbox/demo-patients.js";
import type { ScenarioName, SeededScenarios } from "../nhi/sandbox/types.js";

export interface DemoCase {
  /** Stable scenario name (chronicFresh, oneOff, notYetUploaded …). */
  scenario: ScenarioName;
  /** The visit ID printed on the paper prescription: what to scan (M16 of our record). */
  visitId: string;
  patientNationalId: string;
  patientName: string;
  chronic: boolean;
  refillCount: number;
  /** The refill the counter would dispense next. */
  nextRefillNo: number;
  /** `rxdesk card virtual --profile <cardProfile>` inserts this patient's card. */
  cardProfile: string;
  description: Message;
  expected: Message;
}

export function demoList(seeded: SeededScenarios): DemoCase[] {
  return Object.values(seeded.cases).map((c) => ({
    scenario: c.name,
    visitId: c.originalVisitId,
    patientNationalId: c.nationalId,
    patientName: c.patientName,
    chronic: c.chronic,
    refillCount: c.refillCount,
    nextRefillNo: c.nextRefillNo,
    cardProfile: DEMO_PATIENTS[c.name]?.cardProfile ?? "",
    description: c.description,
    expected: c.expected,
  }));
}
