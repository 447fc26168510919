/** A prescription as the pharmacist sees it: NHI's status merged with our own dispensings, each refill's window. */
import type { PrescriptionOrder } from "./prescription.js";
import type { RefillFact, RefillWindow } from "./refill-rules.js";
import type { RocDateTime } from "./roc-date.js";

/** The refill's fact (RefillFact; `dispensedHere` only on a dispensed refill), NHI's dispenser name, its window. */
export interface RefillView extends RefillFact {
  /** Another institution's name, when NHI gave it. */
  dispensedByName?: string;
  window?: RefillWindow;
}

export interface PrescriptionView {
  originalVisitId: string; // M16
  prescriberInstitutionCode: string; // M17
  prescriberName?: string;
  originalSequenceNumber?: string; // M18
  originalVisitDateTime: RocDateTime; // M19
  nationalId: string;
  patientName?: string;
  chronic: boolean;
  refillCount: number; // M26
  daysPerRefill: number; // M20
  totalDays?: number; // M21
  orders: PrescriptionOrder[];
  refills: RefillView[];
}
