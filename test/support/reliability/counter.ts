/** The pharmacy and pharmacist the reliability tests' counter processes act as. */
export const COUNTER_PHARMACY = { pharmacyCode: "5901012345", name: "可靠性測試藥局" };
export const COUNTER_PHARMACIST = "B123456780";
