// docs/openapi.json as JSON Schema validators, for the tests that check the
// spec against the routes (tests/unit/openapi.test.ts) and real answers
// against the spec (tests/e2e/http-api.spec.ts). The schemas keep to the part
// of JSON Schema that draft-07 and OpenAPI 3.1 (2020-12) read the same way, so
// the validator already in node_modules (ajv 6, draft-07) checks them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/openapi.json");

export type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } | unknown>>;
  components: { schemas: Record<string, unknown> };
};

export function loadOpenApi(): OpenApi {
  return JSON.parse(fs.readFileSync(OPENAPI_FILE, "utf8")) as OpenApi;
}

/** Validates `value` against components.schemas[name]; returns the errors as text ("" when valid). */
export function schemaValidator(spec: OpenApi = loadOpenApi()): (name: string, value: unknown) => string {
  const ajv = new Ajv({ allErrors: true, validateSchema: false });
  ajv.addSchema(spec as object, "openapi.json");
  return (name, value) => {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
    if (!validate) throw new Error(`docs/openapi.json has no schema ${name}`);
    return validate(value) ? "" : ajv.errorsText(validate.errors, { dataVar: name });
  };
}
