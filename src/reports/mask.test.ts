import { describe, expect, it } from "vitest";
import { formatPatient, maskName, nameInitials, patientLabel } from "./mask.js";

describe("patient masking", () => {
  it("full keeps name and national ID", () => {
    expect(patientLabel("A123456789", "王小明", "full")).toEqual({ name: "王小明", nationalId: "A123456789" });
  });
  it("masked hides the middle of the ID and of the name", () => {
    expect(patientLabel("A123456789", "王小明", "masked")).toEqual({ name: "王○明", nationalId: "A12****789" });
    expect(maskName("歐陽小明")).toBe("歐○○明");
    expect(maskName("王明")).toBe("王○");
  });
  it("initials keep only the surname (or Latin initials) and no ID", () => {
    expect(patientLabel("A123456789", "王小明", "initials")).toEqual({ name: "王○○", nationalId: "" });
    expect(nameInitials("Chen Mei-Ling")).toBe("C. M.");
    expect(patientLabel("A123456789", undefined, "initials")).toEqual({ name: "A*", nationalId: "" });
  });
  it("never prints the full ID unless asked", () => {
    for (const mask of ["masked", "initials"] as const) {
      expect(formatPatient(patientLabel("A123456789", "王小明", mask))).not.toContain("A123456789");
    }
  });
});
