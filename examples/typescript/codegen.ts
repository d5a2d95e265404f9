// graphql-codegen: one file, src/generated/graphql.ts, with the types of the whole schema
// (`typescript`), the types of the examples' operations in ../operations/
// (`typescript-operations`) and a typed document per operation (`typed-document-node`), so
// `client.request(PlanTreeDocument, vars)` checks the variables and types the answer.
// `npm run build` regenerates it and compiles with `tsc --strict`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const output = "src/generated/graphql.ts";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["../operations/*.graphql"],
  generates: {
    [output]: {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        // Every custom scalar must be mapped: an unmapped one fails generation instead of
        // becoming `any`. Both are RFC 3339 strings on the wire (see their @specifiedBy).
        strictScalars: true,
        scalars: {
          Date: "string",
          DateTime: "string",
          // Apollo Federation's entity representation (`_entities(representations:)`), used by
          // federation routers, not by this client.
          _Any: "unknown",
          // A file sent per the GraphQL multipart request spec (`importPlan`, `importIati`):
          // input only, a `Blob`/`File` in the multipart body.
          Upload: { input: "Blob", output: "never" },
        },
        enumsAsTypes: true,
        useTypeImports: true,
        // typescript-operations 6 writes the enums and input types an operation uses unless told
        // where they already are; the `typescript` plugin has written them into this same file,
        // so point it there, or each would be declared twice (TS2300 "Duplicate identifier").
        importSchemaTypesFrom: `./${output}`,
        importExtension: ".js",
      },
    },
  },
};

export default config;
