/** What the refill log (the owner's 調劑紀錄) records: the kinds of event. */

export const REFILL_EVENT_TYPES = [
  "dispensed",
  "blocked",
  "cancelled",
  "restored",
  "deleted",
  "corrected",
  "j000",
  "override",
  "incident",
] as const;
export type RefillEventType = (typeof REFILL_EVENT_TYPES)[number];
