/**
 * Institutions by code, for the log's events: ours from the configuration, prescribers and other pharmacies as
 * NHI named them on the prescriptions the log holds (a code names one institution, whichever prescription told it).
 */
import type { PrescriptionView } from "../service/types.js";
import type { PharmacyInfo } from "./model.js";

export function institutionNames(
  pharmacy: PharmacyInfo,
  prescriptions: Iterable<PrescriptionView>,
): (code: string | undefined) => string | undefined {
  const known = new Map<string, string>();
  for (const p of prescriptions) {
    if (p.prescriberName) known.set(p.prescriberInstitutionCode, p.prescriberName);
    for (const r of p.refills) if (r.dispensedBy && r.dispensedByName) known.set(r.dispensedBy, r.dispensedByName);
  }
  if (pharmacy.name) known.set(pharmacy.pharmacyCode, pharmacy.name);
  return (code) => (code ? known.get(code) : undefined);
}
