import { defineConfig } from "drizzle-kit";

// Generates SQL migrations from the schema into drizzle/ (`npm run db:generate`); they are applied by
// `npm run db:migrate`, by `npm run dev` and by the test setup, all through scripts/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
