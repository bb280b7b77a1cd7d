import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT, type KubeObject } from './kubernetes-objects.js';

/**
 * Validates an object against the OpenAPI schema of its kind, as compiled by kubernetes-models:
 * wrong types, bad enum values, bad quantities, missing required fields. Throws what it found.
 * A kind with no model (a custom resource, a typo in apiVersion) fails too.
 */
export async function validateAgainstSchema(object: KubeObject): Promise<void> {
  const specifier = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  let module: object;
  try {
    module = await import(specifier);
  } catch {
    throw new Error(`No kubernetes-models schema for ${object.apiVersion} ${object.kind}`);
  }
  const Model: unknown = Object.entries(module).find(([name]) => name === object.kind)?.[1];
  if (!isModelClass(Model))
    throw new Error(`kubernetes-models has no ${object.kind} in ${specifier}`);
  new Model(withUnwrappedSecretData(object)).validate();
}

function isModelClass(value: unknown): value is new (data: unknown) => { validate(): void } {
  return typeof value === 'function' && typeof value.prototype?.validate === 'function';
}

/**
 * kustomize wraps long base64 values over several lines. The API server's decoder skips the
 * line breaks; the schema's base64 pattern does not, so join them as the server would.
 */
function withUnwrappedSecretData(object: KubeObject): KubeObject {
  const data = object.data;
  if (object.kind !== 'Secret' || typeof data !== 'object' || data === null) return object;
  const unwrapped = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replaceAll(/\s/g, '') : value,
    ]),
  );
  return { ...object, data: unwrapped };
}

/**
 * Field paths that the kind does not have, such as `readinessprobe` for `readinessProbe`.
 *
 * The schemas above accept unknown fields (so does the API server, which drops them with at
 * most a warning), so a misspelled optional field would pass unnoticed. The TypeScript
 * declarations that kubernetes-models ships list every field of every kind, generated from the
 * same OpenAPI document; the object is walked against them with the TypeScript compiler.
 */
export function findUnknownFields(objects: readonly KubeObject[]): string[] {
  const declarationOf = (object: KubeObject): string =>
    path.join(
      REPO_ROOT,
      'node_modules/kubernetes-models',
      object.apiVersion,
      `${object.kind}.d.ts`,
    );
  const program = ts.createProgram({
    rootNames: [...new Set(objects.map(declarationOf))],
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  });
  const checker = program.getTypeChecker();
  const unknown: string[] = [];

  const walk = (value: unknown, declared: ts.Type, at: string, owner: string): void => {
    if (typeof value !== 'object' || value === null) return; // scalars: the schema's job
    const type = checker.getNonNullableType(declared);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    const candidates = type.isUnion() ? type.types : [type];
    if (Array.isArray(value)) {
      const arrayType = candidates.find((candidate) => checker.isArrayType(candidate));
      const element = arrayType?.getNumberIndexType();
      if (element) value.forEach((item, index) => walk(item, element, `${at}[${index}]`, owner));
      return;
    }
    const shapes = candidates.filter(
      (candidate) => candidate.getProperties().length > 0 || candidate.getStringIndexType(),
    );
    if (shapes.length === 0) return;
    for (const [key, child] of Object.entries(value)) {
      const fieldAt = at ? `${at}.${key}` : key;
      const property = shapes.map((shape) => shape.getProperty(key)).find(Boolean);
      const indexType = shapes.map((shape) => shape.getStringIndexType()).find(Boolean);
      if (property) walk(child, checker.getTypeOfSymbol(property), fieldAt, owner);
      else if (indexType) walk(child, indexType, fieldAt, owner);
      else unknown.push(`${owner}: ${fieldAt}`);
    }
  };

  for (const object of objects) {
    const owner = `${object.kind}/${object.metadata.name}`;
    const source = program.getSourceFile(declarationOf(object));
    const module = source ? checker.getSymbolAtLocation(source) : undefined;
    const kindInterface = module
      ? checker.getExportsOfModule(module).find((symbol) => symbol.name === `I${object.kind}`)
      : undefined;
    if (kindInterface) walk(object, checker.getDeclaredTypeOfSymbol(kindInterface), '', owner);
    else unknown.push(`${owner}: no declaration for ${object.apiVersion} ${object.kind}`);
  }
  return unknown;
}
