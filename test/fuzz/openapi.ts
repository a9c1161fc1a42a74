import SwaggerParser from '@apidevtools/swagger-parser';

/** The part of a (dereferenced) OpenAPI 3 schema object the arbitraries read. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. /api/v1/memories/{id}. */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: Schema;
  /** Declares a security requirement (the admin bearer token). */
  secured: boolean;
}

interface RawOperation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document, references resolved, in the document's order. */
export async function operationsOf(document: unknown): Promise<Operation[]> {
  // dereference mutates its argument; keep the caller's copy intact.
  const doc = (await SwaggerParser.dereference(structuredClone(document) as never)) as Document;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) {
        continue;
      }
      const parameters = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security?.length ?? 0) > 0 || path.startsWith('/api/v1/admin/'),
      });
    }
  }
  return operations;
}

export function describeOperation(op: Pick<Operation, 'method' | 'path'>): string {
  return `${op.method} ${op.path}`;
}
