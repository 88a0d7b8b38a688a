// js-yaml is in node_modules (eslint's dependency) without types; the tests use `load` only.
declare module "js-yaml" {
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
