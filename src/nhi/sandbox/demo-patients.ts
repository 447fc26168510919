/**
 * The demo patients, one per seeded scenario: the same person on the prescription (NHI status), on the virtual card
 * (`rxdesk card virtual --profile <cardProfile>`, fixtures/cards) and in the demo list (F1, `rxdesk demo list`).
 * Data only, so the card fixtures, the CLI and the counter's help screen can read it without the sandbox.
 */
import { nationalIdCheckDigit } from "../../domain/national-id.js";
import type { RocDate } from "../../domain/roc-date.js";
import type { ScenarioName } from "./types.js";

export interface DemoPatient {
  nationalId: string;
  name: string;
  birthDate: RocDate;
  sex: "M" | "F";
  cardNumber: string;
  /** Virtual card profile id: fixtures/cards/<cardProfile>.json. */
  cardProfile: string;
}

/** A national ID with its check digit computed: `A12345678` → `A123456789`. */
export function demoNationalId(first9: string): string {
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

function patient(first9: string, name: string, birthDate: string, cardNumber: string, cardProfile: string) {
  const nationalId = demoNationalId(first9);
  // The second character of a citizen's national ID is 1 for men, 2 for women.
  const sex: DemoPatient["sex"] = nationalId[1] === "2" ? "F" : "M";
  return { nationalId, name, birthDate: birthDate as RocDate, sex, cardNumber, cardProfile };
}

export const DEMO_PATIENTS: Readonly<Record<ScenarioName, DemoPatient>> = {
  chronicFresh: patient("A12345678", "王小明", "0790315", "000012345678", "citizen-wang"),
  dispensedElsewhere: patient("B22034567", "林美玲", "0520805", "000023456789", "citizen-lin"),
  cancelledRestored: patient("C10456789", "陳志明", "0381120", "000034567890", "citizen-chen"),
  j000ClinicClosed: patient("D20567890", "張淑芬", "0410101", "000045678901", "citizen-chang"),
  sm00PreFormat2: patient("E10678901", "李建國", "0330615", "000056789012", "citizen-li"),
  supplementMiss: patient("F20789012", "黃雅婷", "0790228", "000067890123", "citizen-huang"),
  oneOff: patient("H10890123", "吳俊傑", "0851009", "000078901234", "citizen-wu"),
  notYetUploaded: patient("K22345678", "周怡君", "0880704", "000089012345", "citizen-chou"),
};
