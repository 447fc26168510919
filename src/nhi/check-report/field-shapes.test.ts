import { describe, expect, it } from "vitest";
import { buildFields } from "./field-shapes.js";

describe("buildFields", () => {
  it("gives the same object as assigning the fields one by one", () => {
    const names = ["H00", "M15", "D05[1]", "D05[2]"];
    const values = ["1", "ABC", "A", ""];
    const first = buildFields(names, values);
    expect(first).toEqual({ H00: "1", M15: "ABC", "D05[1]": "A", "D05[2]": "" });
    expect(Object.keys(first)).toEqual(names);
    // The cached factory serves the next block with the same sequence; the objects are independent.
    const second = buildFields(names, ["2", "XYZ", "B", "C"]);
    expect(second).toEqual({ H00: "2", M15: "XYZ", "D05[1]": "B", "D05[2]": "C" });
    expect(first.H00).toBe("1");
  });

  it("a repeated field keeps its first position and its last value", () => {
    const fields = buildFields(["M15", "M16", "M15"], ["a", "b", "c"]);
    expect(Object.keys(fields)).toEqual(["M15", "M16"]);
    expect(fields.M15).toBe("c");
  });

  it("names outside the report's field pattern never reach generated code", () => {
    const names = ["M15", '"]};throw 1;//', "__proto__"];
    const fields = buildFields(names, ["a", "b", "c"]);
    expect(fields.M15).toBe("a");
    expect(fields['"]};throw 1;//']).toBe("b");
  });

  it("an empty sequence is an empty object", () => {
    expect(buildFields([], [])).toEqual({});
  });
});
