/**
 * Builds the `fields` object of a check-report entry in one allocation. Adding 60–90 keys one by one to `{}` makes V8
 * grow the object's property store again and again, which made a 10,000-record report spend most of its time in the
 * garbage collector. Reports repeat the same field sequence in every block (the layout is fixed; only the number of
 * MB2 lines varies), so each distinct sequence gets a factory that returns an object literal with exactly those keys.
 * Field names are checked against the report's field-name pattern before they reach generated code.
 */

type Factory = (values: readonly string[]) => Record<string, string>;

interface ShapeNode {
  next: Map<string, ShapeNode>;
  factory?: Factory;
}

const FIELD_NAME = /^[A-Z]\d{2}(?:\[\d+\])?$/;
/** Distinct sequences remembered; past this (never seen in practice), objects are built key by key. */
const MAX_FACTORIES = 512;

const root: ShapeNode = { next: new Map() };
let factories = 0;

function compile(names: readonly string[]): Factory | undefined {
  const lastIndex = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (!FIELD_NAME.test(names[i]!)) return undefined;
    lastIndex.set(names[i]!, i);
  }
  // A repeated field keeps its first position and its last value, as assignment would.
  const props = [...lastIndex].map(([name, i]) => `${JSON.stringify(name)}:v[${i}]`);
  return new Function("v", `return {${props.join(",")}};`) as Factory;
}

function keyByKey(names: readonly string[], values: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) fields[names[i]!] = values[i]!;
  return fields;
}

/** The object `{ [names[i]]: values[i] }`, built by the factory for this exact name sequence. */
export function buildFields(names: readonly string[], values: readonly string[]): Record<string, string> {
  if (names.length === 0) return {};
  let node = root;
  for (let i = 0; i < names.length; i++) {
    let child = node.next.get(names[i]!);
    if (child === undefined) {
      if (factories >= MAX_FACTORIES) return keyByKey(names, values);
      child = { next: new Map() };
      node.next.set(names[i]!, child);
    }
    node = child;
  }
  if (node.factory === undefined) {
    if (factories >= MAX_FACTORIES) return keyByKey(names, values);
    const factory = compile(names);
    if (factory === undefined) return keyByKey(names, values);
    node.factory = factory;
    factories++;
  }
  return node.factory(values);
}
