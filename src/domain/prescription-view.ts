/** A prescription as the pharmacist sees it: NHI's status merged with our own dispensings, each refill's window. */
import type { PrescriptionOrder, RefillState } from "./prescription.js";
import type { RefillWindow } from "./refill-rules.js";
import type { RocDateTime } from "./roc-date.js";

export interface RefillView {
  refillNo: number;
  state: RefillState;
  restored?: boolean;
  /** Where and when it was dispensed (ours or another institution's). */
  dispensedBy?: string;
  /** Another institution's name, when NHI gave it. */
  dispensedByName?: string;
  dispensedAt?: RocDateTime;
  dispensedHere?: boolean;
  pharmacistId?: string;
  days?: number;
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
