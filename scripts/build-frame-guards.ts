// `npx tsx scripts/build-frame-guards.ts`: derives the browser client's frame parsers from the zod schemas
// of src/protocol/room.ts (serverFrameSchema, clientFrameSchema) into client/src/rtc/frames.generated.ts, so
// the client checks every frame both ways as the room does without shipping zod. The output is plain code
// over a few small combinators (no eval, no new Function: CSP-safe), with every sub-schema used twice or
// more defined once. test/unit/client-frames.test.ts fails when the committed file is not what this
// produces, and holds the generated parsers to zod on valid, broken and fuzzed frames.
// Only what room.ts uses is supported; anything else throws here rather than being checked loosely.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as room from "../src/protocol/room";
import * as constants from "../src/protocol/room-constants";

const root = fileURLToPath(new URL("..", import.meta.url));
export const GENERATED_FILE = path.join(root, "client/src/rtc/frames.generated.ts");

/** The slice of zod/mini's internals the generator reads (`schema._zod.def`, and each check's). */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  options?: Schema[];
  discriminator?: string;
  innerType?: Schema;
  element?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
  format?: string;
  inclusive?: boolean;
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  fn?: unknown;
  when?: unknown;
}
interface Schema {
  _zod: { def: Def };
}

/**
 * The combinators the generated code is made of. Each parser returns what zod's `safeParse` gives as
 * `data` — unknown object keys stripped — or INVALID. String lengths count code points, as zod does.
 */
const RUNTIME = `
/** What a parser returns for a value the schema refuses. */
export const INVALID: unique symbol = Symbol("invalid");
/** A value as zod parses it (unknown object keys stripped), or INVALID. */
export type Parser<T = unknown> = (value: unknown) => T | typeof INVALID;
type Test = (value: never) => unknown;

const is =
  (test: (value: unknown) => boolean): Parser =>
  (value) =>
    test(value) ? value : INVALID;
/** A value passing all the tests, in order; \`type\` checks what the others may assume. */
const all = (type: (value: unknown) => boolean, ...tests: Test[]) =>
  is((value) => type(value) && tests.every((test) => test(value as never)));
const isString = (value: unknown) => typeof value === "string";
const string = is(isString);
const boolean = is((value) => typeof value === "boolean");
/** An enum, a literal or null: one of these exact values. */
const values = (...allowed: unknown[]) => is((value) => allowed.includes(value));
const lengthIn = (min: number, max: number) => (value: string) => {
  const length = [...value].length;
  return length >= min && length <= max;
};
const atLeast = (min: number) => (value: number) => value >= min;
const optional =
  (parse: Parser): Parser =>
  (value) =>
    value === undefined ? value : parse(value);
const nullable =
  (parse: Parser): Parser =>
  (value) =>
    value === null ? value : parse(value);
/** The first option that accepts the value. */
const union =
  (...options: Parser[]): Parser =>
  (value) => {
    for (const option of options) {
      const parsed = option(value);
      if (parsed !== INVALID) return parsed;
    }
    return INVALID;
  };
const array =
  (item: Parser, max = Infinity): Parser =>
  (value) => {
    if (!Array.isArray(value) || value.length > max) return INVALID;
    const parsed = value.map(item);
    return parsed.includes(INVALID) ? INVALID : parsed;
  };
/** The listed keys, parsed; other keys dropped, and absent optional ones left out. */
const object =
  (shape: Record<string, Parser>): Parser =>
  (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return INVALID;
    const parsed: Record<string, unknown> = {};
    for (const key in shape) {
      const field = (shape[key] as Parser)((value as Record<string, unknown>)[key]);
      if (field === INVALID) return INVALID;
      if (field !== undefined) parsed[key] = field;
    }
    return parsed;
  };
`;
/** The names RUNTIME defines. */
const HELPERS = new Set(
  [...RUNTIME.matchAll(/^(?:export )?(?:const|type) (\w+)/gm)].map((match) => match[1] as string),
);

/** Names of the values room-constants.ts exports, so checks can use the very same regex or function. */
const constantNames = new Map<unknown, string>(
  Object.entries(constants)
    .filter(([, value]) => typeof value === "function" || value instanceof RegExp)
    .map(([name, value]) => [value, name]),
);
/** room.ts's exported schemas, so their shared definitions keep their names. */
const schemaNames = new Map<unknown, string>(
  Object.entries(room)
    .filter(([name]) => name.endsWith("Schema"))
    .map(([name, value]) => [value, name.slice(0, -"Schema".length)]),
);

const literal = (value: unknown) => {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Error(`unsupported literal ${String(value)}`);
};

/** The code for a regex or refine function: room-constants.ts's export of that very value. */
function constant(value: unknown, what: string, used: Set<string>): string {
  const name = constantNames.get(value);
  if (!name) {
    throw new Error(
      `${what} ${String(value)} is not exported from src/protocol/room-constants.ts: export it there and use ` +
        "that export in room.ts, so the client runs the very same code",
    );
  }
  used.add(name);
  return name;
}

/** What the definitions of the supported types hold (`check`, `format` and `abort`: z.int()'s own check). */
const KNOWN_DEF_KEYS = new Set(
  "type checks shape options discriminator inclusive innerType element values entries check format abort error".split(
    " ",
  ),
);

interface Node {
  schema: Schema;
  /** The code with every child inline: equal code means an equal check. */
  inline: string;
  children: Node[];
  /** The code, given the code of each child. */
  render(children: string[]): string;
  /** Where it first appeared (an object key), for naming a shared definition. */
  hint: string;
}

function build(schema: Schema, hint: string, used: Set<string>): Node {
  const def = schema._zod.def;
  const node = (children: Node[], render: (children: string[]) => string): Node => ({
    schema,
    inline: render(children.map((child) => child.inline)),
    children,
    render,
    hint,
  });
  // Anything else in a definition (coerce, catchall, a string format, a union fallback…) changes what zod
  // accepts in a way this generator does not know: refuse it rather than check loosely.
  const unknown = Object.keys(def).filter((key) => !KNOWN_DEF_KEYS.has(key));
  if (unknown.length) throw new Error(`unsupported ${def.type} with ${unknown.join(", ")}`);
  if (def.type === "string" && def.format) throw new Error(`unsupported string format ${def.format}`);
  if (def.type === "union" && def.inclusive === false && def.discriminator === undefined)
    throw new Error("unsupported exclusive union (z.xor)");
  const checks = (def.checks ?? []).map((check) => check._zod.def);
  switch (def.type) {
    case "string": {
      if (checks.length === 0) return node([], () => "string");
      let min = 0;
      let max = Number.POSITIVE_INFINITY;
      const tests: string[] = [];
      for (const check of checks) {
        if (check.check === "min_length" && check.minimum !== undefined) min = Math.max(min, check.minimum);
        else if (check.check === "max_length" && check.maximum !== undefined)
          max = Math.min(max, check.maximum);
        else if (check.check === "string_format" && check.format === "regex" && check.pattern) {
          if (/[gy]/.test(check.pattern.flags)) throw new Error(`stateful regex ${check.pattern}`);
          tests.push(`(value: string) => ${constant(check.pattern, "regex", used)}.test(value)`);
        } else if (check.check === "custom" && !check.when) tests.push(constant(check.fn, "refine", used));
        else throw new Error(`unsupported string check ${JSON.stringify(check)}`);
      }
      // Lengths first: zod measures before it refines, and a refine may assume a sane length.
      if (min > 0 || max < Number.POSITIVE_INFINITY)
        tests.unshift(`lengthIn(${min}, ${max === Number.POSITIVE_INFINITY ? "Infinity" : max})`);
      return node([], () => `all(isString, ${tests.join(", ")})`);
    }
    case "number": {
      const type =
        def.format === "safeint"
          ? "Number.isSafeInteger"
          : def.format === undefined || def.format === "float64"
            ? "Number.isFinite"
            : undefined;
      if (!type) throw new Error(`unsupported number format ${def.format}`);
      const tests = checks.map((check) => {
        if (check.check === "greater_than" && check.inclusive && check.value !== undefined)
          return `atLeast(${literal(check.value)})`;
        throw new Error(`unsupported number check ${JSON.stringify(check)}`);
      });
      return node([], () => `all(${[type, ...tests].join(", ")})`);
    }
    case "boolean":
      return node([], () => "boolean");
    case "null":
      return node([], () => "values(null)");
    case "literal":
      return node([], () => `values(${(def.values ?? []).map(literal).join(", ")})`);
    case "enum":
      return node(
        [],
        () =>
          `values(${Object.values(def.entries ?? {})
            .map(literal)
            .join(", ")})`,
      );
    case "optional":
    case "nullable":
      if (!def.innerType) throw new Error(`${def.type} without innerType`);
      return node([build(def.innerType, hint, used)], ([inner]) => `${def.type}(${inner})`);
    case "array": {
      if (!def.element) throw new Error("array without element");
      let max: number | undefined;
      for (const check of checks) {
        if (check.check === "max_length" && check.maximum !== undefined)
          max = Math.min(max ?? check.maximum, check.maximum);
        else throw new Error(`unsupported array check ${JSON.stringify(check)}`);
      }
      return node([build(def.element, hint, used)], ([item]) =>
        max === undefined ? `array(${item})` : `array(${item}, ${max})`,
      );
    }
    case "object": {
      const keys = Object.keys(def.shape ?? {});
      if (checks.length) throw new Error("unsupported object checks");
      const children = keys.map((key) =>
        build((def.shape as Record<string, Schema>)[key] as Schema, key, used),
      );
      return node(
        children,
        (codes) =>
          `object({ ${keys.map((key, i) => (codes[i] === key ? key : `${/^[a-z_]\w*$/i.test(key) ? key : JSON.stringify(key)}: ${codes[i]}`)).join(", ")} })`,
      );
    }
    case "union": {
      const options = def.options ?? [];
      if (checks.length) throw new Error("unsupported union checks");
      if (def.discriminator !== undefined) {
        // A discriminated union takes the option whose literal the discriminator matches. With every option
        // an object holding a distinct, required literal there, that is the one option that can accept the
        // value, so trying them all in turn gives the same verdict and the same data.
        const seen = new Set<unknown>();
        for (const option of options) {
          const field = option._zod.def.shape?.[def.discriminator]?._zod.def;
          if (option._zod.def.type !== "object" || field?.type !== "literal")
            throw new Error(`discriminated union option without a literal ${def.discriminator}`);
          for (const value of field.values ?? []) {
            if (seen.has(value)) throw new Error(`discriminator value ${String(value)} used twice`);
            seen.add(value);
          }
        }
      }
      const children = options.map((option) => build(option, hint, used));
      return node(children, (codes) => `union(${codes.join(", ")})`);
    }
    default:
      throw new Error(`unsupported zod type ${def.type}`);
  }
}

const camel = (words: string) => words.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A readable name for a shared definition (the bundler shortens it anyway). */
function nameOf(node: Node): string {
  const exported = schemaNames.get(node.schema);
  if (exported) return exported;
  const def = node.schema._zod.def;
  const [child] = node.children;
  if ((def.type === "optional" || def.type === "nullable") && child) return def.type + capital(nameOf(child));
  if (def.type === "null") return "nullValue";
  if (def.type === "literal" && def.values?.length === 1) return `${camel(String(def.values[0]))}Literal`;
  if (def.type === "object") {
    const keys = Object.keys(def.shape ?? {});
    return keys.length ? camel([...keys.slice(0, 3), node.hint].join("_")) : "emptyObject";
  }
  if (node.children.length === 0 && !def.checks?.length) return def.type;
  return camel(node.hint);
}

/** The generated module, formatted as the project's formatter writes it. */
export function generateFrameGuards(): string {
  const used = new Set<string>();
  const tops = [
    { name: "serverFrame", type: "ServerFrame", node: build(room.serverFrameSchema as never, "frame", used) },
    { name: "clientFrame", type: "ClientFrame", node: build(room.clientFrameSchema as never, "frame", used) },
  ];

  // How often each check occurs, counting what sits inside a repeated check once: those it is worth
  // defining once by name.
  const count = new Map<string, number>();
  const visit = (node: Node) => {
    const seen = count.get(node.inline) ?? 0;
    count.set(node.inline, seen + 1);
    if (seen === 0) for (const child of node.children) visit(child);
  };
  for (const top of tops) visit(top.node);

  const names = new Map<string, string>();
  const taken = new Set([...HELPERS, ...used, ...tops.map((top) => top.name)]);
  const definitions: string[] = [];
  const render = (node: Node): string => {
    const named = names.get(node.inline);
    if (named) return named;
    const code = node.render(node.children.map(render));
    // Worth a name: used twice or more, and longer than a name.
    if ((count.get(node.inline) ?? 0) < 2 || /^[\w.]+$/.test(code)) return code;
    const base = nameOf(node);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    names.set(node.inline, name);
    definitions.push(`const ${name} = ${code};`);
    return name;
  };
  const exports = tops.map((top) => `export const ${top.name} = ${render(top.node)} as Parser<${top.type}>;`);

  const source = [
    "// Generated by scripts/build-frame-guards.ts from the zod schemas of src/protocol/room.ts. Do not edit;",
    "// run `npx tsx scripts/build-frame-guards.ts` (or `npm run build`) after changing them.",
    'import type { ClientFrame, ServerFrame } from "../../../src/protocol/room";',
    used.size ? `import { ${[...used].sort().join(", ")} } from "../../../src/protocol/room-constants";` : "",
    RUNTIME,
    ...definitions,
    "",
    "/** Every frame the room sends, parsed as `serverFrameSchema` parses it. */",
    exports[0],
    "/** Every frame a client may send, parsed as `clientFrameSchema` parses it. */",
    exports[1],
    "",
  ].join("\n");
  return execFileSync("npx", ["biome", "format", `--stdin-file-path=${GENERATED_FILE}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** The committed generated module, for the freshness test. */
export const committedFrameGuards = () => readFileSync(GENERATED_FILE, "utf8");

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(GENERATED_FILE, generateFrameGuards());
  console.log(`wrote ${path.relative(root, GENERATED_FILE)}`);
}
